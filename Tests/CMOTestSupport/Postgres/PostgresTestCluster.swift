import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

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

    /// At exit: `scripts/pg-cluster stop`.
    private static func stopStartedHere() {
        guard let directory = startedHere.withLock({ $0 }) else { return }
        _ = try? collect([scriptURL.path, "stop", directory], environment: [:], describing: "scripts/pg-cluster stop")
    }

    private static var scriptURL: URL {
        let packageRoot = (0..<4).reduce(URL(fileURLWithPath: #filePath)) { url, _ in url.deletingLastPathComponent() }
        return packageRoot.appendingPathComponent("scripts/pg-cluster")
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
        let arguments = [
            psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", url.host ?? "127.0.0.1", "-p", "\(url.port ?? 5432)",
            "-U", url.user ?? "cmo", "-d", database, "-c", sql,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        return try Self.collect(arguments, environment: environment, describing: "psql -c \(sql)")
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
        try collect(
            [scriptURL.path] + arguments, environment: ProcessInfo.processInfo.environment,
            describing: "scripts/pg-cluster \(arguments.joined(separator: " "))")
    }

    /// Runs `arguments` to its end; its standard output, or an error with its standard error.
    ///
    /// posix_spawn and waitpid, not Foundation's `Process`: its reaping was seen to miss a child here, and the test
    /// waited forever on a zombie. Both outputs go to files, not pipes: the server `pg_ctl` starts outlives the
    /// script and would hold a pipe's write end open.
    private static func collect(
        _ arguments: [String], environment: [String: String], describing command: String
    ) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-pg-\(UUID().uuidString)")
        let outputFile = base.appendingPathExtension("out").path, errorFile = base.appendingPathExtension("err").path
        defer { for file in [outputFile, errorFile] { unlink(file) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw ToolProcess.Failure(description: "\(arguments[0]) cannot start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else {
            let stderr = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
            throw ToolProcess.Failure(description: "\(command) failed (\(exited)): \(stderr)")
        }
        return (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
    }
}
