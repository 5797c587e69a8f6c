import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real `cmo schedule` replicas sharing one PostgreSQL database, each with its clock offset by Debian's libfaketime
/// (`faketime -f +Ns`, the monotonic clock left alone, so sleeps keep the real pace). Offsets also bring the next
/// minute's fire within seconds instead of up to a minute away.
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

    /// Debian's `faketime` command; a missing one fails the test.
    static func faketime() throws -> String {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime") ? "/usr/bin/faketime" : nil,
            "faketime missing: install Debian's faketime (scripts/test does)")
    }

    /// The offset (whole seconds) that puts a clock `before` seconds before the next full minute.
    static func offset(secondsBeforeMinute before: Int) -> Int {
        let second = Int(Date().timeIntervalSince1970.rounded(.up)) % 60
        var offset = (60 - before - second) % 60
        if offset > 30 { offset -= 60 }
        if offset <= -30 { offset += 60 }
        return offset
    }

    /// Starts `cmo schedule jobs.toml` as replica `name`, its clock `offset` seconds off the real one (nil: the
    /// real clock, no faketime).
    func start(
        _ name: String, offset: Int?, environment: [String: String], arguments: [String] = [], passwordInURL: Bool = true
    ) throws -> RunningCommand {
        var environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": CLI.stateHome]) { $1 }
            .merging(environment) { $1 }
        // Sleeps and timeouts keep the real pace; only the wall clock moves.
        environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        let wrapper = try offset.map { [try Self.faketime(), "--exclude-monotonic", "-f", $0 < 0 ? "\($0)s" : "+\($0)s"] } ?? []
        let journal: String
        if passwordInURL {
            journal = url.absoluteString
        } else {
            journal = urlWithoutPassword
            environment["PGPASSWORD"] = cluster.password
        }
        return try CMOBinary.start(
            wrappedIn: wrapper, ["schedule", "jobs.toml", "--journal", journal, "--replica", name, "--verbose"] + arguments,
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
