import Logging
import NIOSSL
import PostgresNIO

extension PostgresJournal {
    /// The schema version of the database at `location` without migrating it (0: no cmo tables yet), over one
    /// connection of its own: `cmo journal migrate` says where it starts from.
    ///
    /// Unlike the pool of ``open(_:logger:reconnectWindow:maximumConnections:)``, which keeps trying to connect
    /// while the server is away, one refused connection (a wrong password, an unknown database, nothing listening)
    /// fails at once: a check of the URL and its password before anything starts.
    public static func schemaVersion(at location: PostgresLocation, logger: Logger) async throws(JournalError) -> Int {
        do {
            var configuration = PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.user, password: location.password,
                database: location.database,
                tls: location.requiresTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
            configuration.options.connectTimeout = .seconds(10)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            do {
                let version = try await version(on: connection, logger: logger)
                try? await connection.close()
                return version
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw JournalError(.unavailable, "cannot read the journal at \(location): \(describe(error))")
        }
    }

    /// The newest schema version this build knows.
    public static var latestSchemaVersion: Int { PostgresSchema.latestVersion }

    private static func version(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let exists = try await connection.query("SELECT to_regclass('cmo_schema') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return 0 }
        let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM cmo_schema", logger: logger)
        for try await version in rows.decode(Int.self) { return version }
        return 0
    }
}
