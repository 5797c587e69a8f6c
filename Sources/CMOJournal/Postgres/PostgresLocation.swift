import Foundation

/// Where a PostgreSQL journal is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`, with the password found as libpq
/// finds it (the URL, else `PGPASSWORD`, else the first matching line of `PGPASSFILE` or `~/.pgpass`).
///
/// The password never leaves this value except into the connection: ``description`` and ``redacted`` leave it out.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// The password, when the URL, the environment or a password file gave one.
    public var password: String?
    /// `sslmode=require` (or `verify-full`): TLS to the server.
    public var requiresTLS: Bool

    /// Whether `text` names a PostgreSQL journal (`postgres://` or `postgresql://`).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `url`; `environment` gives `PGPASSWORD`, `PGPASSFILE`, `HOME` and `USER`.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(JournalError) {
        guard Self.isURL(text), let components = URLComponents(string: text), let host = components.host, !host.isEmpty
        else {
            throw JournalError(.unavailable, "the journal URL \(Self.redact(text)) is not postgres://USER@HOST[:PORT]/DB")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw JournalError(.unavailable, "the journal URL \(Self.redact(text)) names no database (postgres://USER@HOST[:PORT]/DB)")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["USER"] ?? "postgres"
        self.database = database.removingPercentEncoding ?? database
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(mode) else {
            throw JournalError(.unavailable, "the journal URL's sslmode \(mode) is not one of disable, prefer, require, verify-full")
        }
        requiresTLS = ["require", "verify-ca", "verify-full"].contains(mode)
        password = components.password.flatMap { $0.removingPercentEncoding }
            ?? environment["PGPASSWORD"]
            ?? Self.passwordFile(environment).flatMap { PostgresPasswordFile(path: $0).password(host: host, port: port, database: database, user: user) }
    }

    /// The URL without its password (for messages, logs and the arguments of child processes).
    public var redacted: String { "postgres://\(user)@\(host):\(port)/\(database)\(requiresTLS ? "?sslmode=require" : "")" }

    public var description: String { redacted }

    private static func passwordFile(_ environment: [String: String]) -> String? {
        if let file = environment["PGPASSFILE"], !file.isEmpty { return file }
        return environment["HOME"].map { $0 + "/.pgpass" }
    }

    /// `text` with whatever sits between `://user:` and `@` replaced, for error messages about a bad URL.
    static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex),
            let colon = text.range(of: ":", range: scheme.upperBound..<at.lowerBound)
        else { return text }
        return text.replacingCharacters(in: colon.upperBound..<at.lowerBound, with: "***")
    }
}
