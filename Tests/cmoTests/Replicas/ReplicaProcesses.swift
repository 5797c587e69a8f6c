import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real `cmo schedule` replicas sharing one PostgreSQL database, each with a clock of its own set by Debian's
/// libfaketime (`FAKETIME=@...`: the process's clock starts at that instant and runs on at the real pace), so a fire
/// comes within seconds instead of at the next real minute.
struct ReplicaProcesses {
    let cluster: PostgresTestCluster
    let url: URL
    let database: String
    let directory: String

    /// A fresh database and a workspace holding `script` as `job.lua` and a schedule firing it every minute.
    init(script: String, job: String, extra: String = "") throws {
        cluster = try PostgresTestCluster.shared()
        url = try cluster.makeDatabase()
        database = url.lastPathComponent
        directory = try CLI.workspace(script, name: "job.lua")
        try """
            [[job]]
            name = "\(job)"
            cron = "* * * * *"
            script = "job.lua"
            \(extra)
            """.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
    }

    /// The database URL without its password (which then comes from `PGPASSWORD`).
    var urlWithoutPassword: String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.password = nil
        return components.string!
    }

    /// libfaketime from Debian's `faketime` package; a missing one fails the test.
    static func libfaketime() throws -> String {
        let candidates = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"]
        return try #require(
            candidates.first { FileManager.default.fileExists(atPath: $0) }, "libfaketime missing: install Debian's faketime")
    }

    /// Starts `cmo schedule jobs.toml` as replica `name`, its clock starting at `clock` (`2030-01-01 00:00:57`).
    func start(
        _ name: String, clock: String, environment: [String: String], arguments: [String] = [], passwordInURL: Bool = true
    ) throws -> RunningCommand {
        var environment = environment
        environment["LD_PRELOAD"] = try Self.libfaketime()
        environment["FAKETIME"] = "@" + clock
        // Sleeps and timeouts keep the real pace; only the wall clock is set.
        environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        let journal: String
        if passwordInURL {
            journal = url.absoluteString
        } else {
            journal = urlWithoutPassword
            environment["PGPASSWORD"] = cluster.password
        }
        return try CLI.start(
            ["schedule", "jobs.toml", "--journal", journal, "--replica", name, "--verbose"] + arguments,
            environment: environment, in: directory)
    }

    /// `sql`'s rows, fields separated by `|`.
    func query(_ sql: String) throws -> [String] {
        try cluster.psql(sql, database: database).split(separator: "\n").map(String.init)
    }

    /// Polls `condition` every 100 ms for at most `seconds`; whether it held.
    static func wait(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    /// Whether process `pid` is gone (or a zombie waiting for its reaper).
    static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        let fields = stat.split(separator: ")").last?.split(separator: " ")
        return fields?.first == "Z"
    }
}
