import Foundation
import Synchronization

/// A throwaway PostgreSQL cluster made by `scripts/pg-cluster` (initdb into a temporary directory, as the
/// `postgres` user when the tests run as root, pg_ctl on a free loopback port). A missing server is an error: the
/// test fails, it never skips.
///
/// ``shared()`` is the test process's cluster: the one `scripts/test` started and exported as
/// `CMO_TEST_POSTGRES_URL`, or one started on first use (stopped when the process exits). Each test takes a
/// database of its own from it (``makeDatabase()``). A test that restarts or stops the server starts a private
/// cluster with ``start()``.
package final class PostgresTestCluster: Sendable {
    /// The URL of the cluster's `cmo` database, with the password.
    package let url: URL
    /// The cluster's directory when this process started it (nil: `scripts/test`'s, never restarted here).
    package let directory: String?

    private static let sharedCluster = Mutex<PostgresTestCluster?>(nil)
    /// The directory of the shared cluster when this process started it (stopped at exit).
    private static let startedHere = Mutex<String?>(nil)

    private init(url: URL, directory: String?) {
        self.url = url
        self.directory = directory
    }

    /// The test process's cluster.
    package static func shared() throws -> PostgresTestCluster {
        try sharedCluster.withLock { cluster in
            if let cluster { return cluster }
            let made: PostgresTestCluster
            if let exported = ProcessInfo.processInfo.environment["CMO_TEST_POSTGRES_URL"], let url = URL(string: exported) {
                made = PostgresTestCluster(url: url, directory: nil)
            } else {
                made = try start()
                startedHere.withLock { $0 = made.directory }
                atexit { PostgresTestCluster.stopStartedHere() }
            }
            cluster = made
            return made
        }
    }

    private static func stopStartedHere() {
        if let directory = startedHere.withLock({ $0 }) { _ = try? script(["stop", directory]) }
    }

    /// Starts a private cluster; ``stop()`` ends it.
    package static func start() throws -> PostgresTestCluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-pg-\(UUID().uuidString)").path
        let printed = try script(["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let url = URL(string: printed) else { throw ToolProcess.Failure(description: "pg-cluster printed \(printed)") }
        return PostgresTestCluster(url: url, directory: directory)
    }

    /// The password, as `PGPASSWORD` would carry it.
    package var password: String { url.password ?? "" }

    /// The cluster's URL without its password (for the tests of `PGPASSWORD` and `.pgpass`).
    package var urlWithoutPassword: URL {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.password = nil
        return components.url!
    }

    /// A new, empty database of this cluster; its URL (with the password).
    package func makeDatabase() throws -> URL {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try psql("CREATE DATABASE \(name)")
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.path = "/" + name
        return components.url!
    }

    /// Runs `sql` with `psql` on `database` (default: the cluster's `cmo`); what it printed, unaligned.
    @discardableResult
    package func psql(_ sql: String, database: String = "cmo") throws -> String {
        let psql = "/usr/bin/psql"
        guard FileManager.default.isExecutableFile(atPath: psql) else {
            throw ToolProcess.Failure(description: "\(psql) is missing (scripts/test installs postgresql)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: psql)
        process.arguments = [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", url.host ?? "127.0.0.1", "-p", "\(url.port ?? 5432)",
            "-U", url.user ?? "cmo", "-d", database, "-c", sql,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": password]) { _, new in new }
        return try Self.collect(process, describing: "psql -c \(sql)")
    }

    /// `pg_ctl restart -m immediate`: the server crashes and recovers; every session is cut.
    package func restart() throws {
        guard let directory else { throw ToolProcess.Failure(description: "the shared cluster is not restarted") }
        _ = try Self.script(["restart", directory])
    }

    /// Cuts every session of `database` but the caller's (`pg_terminate_backend`).
    package func terminateSessions(of database: String) throws {
        try psql("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
            WHERE datname = '\(database)' AND pid <> pg_backend_pid()
            """)
    }

    /// Stops the server and removes its directory.
    package func stop() {
        if let directory { _ = try? Self.script(["stop", directory]) }
    }

    private static func script(_ arguments: [String]) throws -> String {
        let packageRoot = (0..<4).reduce(URL(fileURLWithPath: #filePath)) { url, _ in url.deletingLastPathComponent() }
        let process = Process()
        process.executableURL = packageRoot.appendingPathComponent("scripts/pg-cluster")
        process.arguments = arguments
        return try collect(process, describing: "scripts/pg-cluster \(arguments.joined(separator: " "))")
    }

    /// Runs `process` to its end; its standard output, or an error with its standard error (kept in a file, so
    /// that neither pipe can fill up while the other is read).
    private static func collect(_ process: Process, describing command: String) throws -> String {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-pg-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw ToolProcess.Failure(description: "\(command) failed (\(process.terminationStatus)): \(stderr)")
        }
        return String(decoding: printed, as: UTF8.self)
    }
}
