import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real `cmo schedule` replicas sharing one PostgreSQL database, on the real clock.
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

    /// Starts `cmo schedule jobs.toml` as replica `name`.
    func start(
        _ name: String, environment: [String: String], arguments: [String] = [], passwordInURL: Bool = true
    ) throws -> RunningCommand {
        var environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": CLI.stateHome]) { $1 }
            .merging(environment) { $1 }
        let journal: String
        if passwordInURL {
            journal = url.absoluteString
        } else {
            journal = urlWithoutPassword
            environment["PGPASSWORD"] = cluster.password
        }
        return try CMOBinary.start(
            ["schedule", "jobs.toml", "--journal", journal, "--replica", name, "--verbose"] + arguments,
            environment: environment, in: directory)
    }

    /// `sql`'s rows, fields separated by `|`; none while the replicas have not made the tables yet.
    func query(_ sql: String) throws -> [String] {
        try cluster.psql(sql, database: database).split(separator: "\n").map(String.init)
    }

    /// ``query(_:)``, or no rows when it fails (the tables are not there yet).
    func poll(_ sql: String) -> [String] {
        (try? query(sql)) ?? []
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
