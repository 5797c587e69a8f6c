import CMOJournal
import CMOSchedule
import CMOWatch
import Foundation
import CMOTestSupport
import Logging

/// A journal written through the CMOJournal API, a schedule of two jobs, and the window serving them on a free
/// port of 127.0.0.1.
struct WatchFixture {
    let journal: SQLiteJournal
    let server: WatchServer
    /// The failed run: a change that failed with HTML in its error, then a changed one.
    let failedRun: String
    /// The successful run of job `nightly`.
    let goodRun: String

    static let base = Date(timeIntervalSince1970: 1_796_000_000)
    static let jobs = [
        ScheduledJob(name: "nightly", cron: try! CronExpression("0 2 * * *"), timeZone: TimeZone(identifier: "Europe/Berlin")!,
            script: URL(fileURLWithPath: "/ops/nightly.lua")),
        ScheduledJob(name: "hourly <b>", cron: try! CronExpression("0 * * * *"), script: URL(fileURLWithPath: "/ops/hourly.lua")),
    ]

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cmo-watch-\(UUID().uuidString)/journal.sqlite").path
    }

    /// Writes two finished runs of `nightly`, one of `hourly <b>` still going, and one by hand.
    static func make(ready: Bool = true, port: Int = 0) async throws -> WatchFixture {
        let journal = try SQLiteJournal(path: temporaryPath())
        let good = try await Self.run(
            journal, id: "20261201-020000-aaaa", job: "nightly", at: base, exit: 0,
            changes: [("P-1", .changed, nil), ("P-2", .changed, nil), ("P-3", .unchanged, nil)],
            api: RunAPICounts(requests: 7, retries: 1, rateLimited: 1, tokenFetches: 1))
        let failed = try await Self.run(
            journal, id: "20261202-020000-bbbb", job: "nightly", at: base.addingTimeInterval(86_400), exit: 3,
            changes: [("P-4", .changed, nil), ("P-5", .failed, "<script>alert('x')</script> & more")],
            api: RunAPICounts(requests: 5, retries: 2, rateLimited: 0, tokenFetches: 1))
        _ = try await Self.run(
            journal, id: "20261202-030000-cccc", job: nil, at: base.addingTimeInterval(90_000), exit: 0,
            changes: [("P-6", .wouldChange, nil)], api: RunAPICounts(requests: 2, retries: 0, rateLimited: 0, tokenFetches: 1))
        try await journal.begin(RunEntry(
            id: "20261202-040000-dddd", scriptPath: "/ops/hourly.lua", scriptHash: "h", job: "hourly <b>",
            startedAt: base.addingTimeInterval(93_600)))
        let statuses = Self.statuses
        let schedule = WatchedSchedule(file: "ops/jobs.toml", jobs: jobs) { now in statuses(now) }
        let server = try await WatchServer.start(
            WatchConfiguration(address: ListenAddress(host: "127.0.0.1", port: port)), journal: journal,
            schedule: schedule, logger: Logger(label: "watch-test"))
        if ready { server.readiness.markReady() }
        return WatchFixture(journal: journal, server: server, failedRun: failed, goodRun: good)
    }

    /// `nightly` failed once after a success; `hourly <b>` is paused.
    @Sendable static func statuses(_ now: Date) -> [JobStatus] {
        [
            JobStatus(
                job: jobs[0], record: JobRecord(
                    name: "nightly", lastRunID: "20261202-020000-bbbb", lastExitCode: 3, lastSucceeded: false,
                    lastFinishedAt: base.addingTimeInterval(86_430), consecutiveFailures: 1), now: now),
            JobStatus(job: jobs[1], record: JobRecord(name: "hourly <b>", consecutiveFailures: 4, paused: true), now: now),
        ]
    }

    private static func run(
        _ journal: SQLiteJournal, id: String, job: String?, at start: Date, exit: Int32,
        changes: [(String, ChangeState, String?)], api: RunAPICounts
    ) async throws -> String {
        try await journal.begin(RunEntry(id: id, scriptPath: "/ops/\(job ?? "manual").lua", scriptHash: "h", job: job, startedAt: start))
        var counts: [String: Int] = [:]
        for (product, state, error) in changes {
            var change = ChangeEntry(runID: id, rootID: id, key: product, productID: product, iccid: "8949\(product.dropFirst(2))",
                ops: "[]", fromStatus: "INACTIVE", toStatus: "ACTIVE", state: state, intentAt: start)
            change.error = error
            change.correlationID = error == nil ? nil : "corr-\(product)"
            change.httpStatus = error == nil ? 200 : 422
            _ = try await journal.insert(change)
            counts[state.rawValue, default: 0] += 1
        }
        try await journal.finish(
            runID: id, exitCode: exit, stopReason: exit == 0 ? nil : "some changes failed", counts: counts, api: api,
            at: start.addingTimeInterval(30))
        return id
    }

    /// Sends `method` to `path` with curl and returns the status, the headers (names in lower case) and the body.
    func request(_ path: String, method: String = "GET") async throws -> (status: Int, headers: [String: String], body: String) {
        let result = try await ToolProcess.run("/usr/bin/curl", ["-s", "-i", "-X", method, server.baseURL + path], seconds: 30)
        guard result.status == 0, let split = result.stdout.range(of: "\r\n\r\n") else {
            throw ToolProcess.Failure(description: "curl \(method) \(path): exit \(result.status) \(result.stderr)")
        }
        let head = result.stdout[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return (status, headers, String(result.stdout[split.upperBound...]))
    }
}
