import CMOJournal
import CMOSchedule
import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real `cmo schedule --log-format json` process with real failing, succeeding and timing-out scripts: its
/// webhooks reach a local receiver, its old runs are pruned at start, and its stderr is JSON lines without the
/// webhook's secret.
@Suite struct ScheduleNotifyEndToEndTests {
    /// An API configuration for the child runs (their scripts make no API call, but a run needs one to start).
    static let api = [
        "CMO_API_URL": "http://127.0.0.1:9/api", "CMO_TENANT": "eos", "CMO_AUTH_URL": "http://127.0.0.1:9/auth",
        "CMO_CLIENT_ID": "cmo-demo", "CMO_CLIENT_SECRET": "secret",
    ]

    static func job(_ name: String, script: String, extra: String = "") -> String {
        """
        [[job]]
        name = "\(name)"
        cron = "0 * * * *"
        script = "\(script)"
        catch_up = "last"
        catch_up_window = "2h"
        \(extra)

        """
    }

    /// A workspace whose three jobs each missed the fire at the top of this hour: `failing` fails and is paused
    /// after one failure, `recovering` (failing twice before) succeeds, `slow` runs into its timeout (exit 4).
    static func workspace(hook: String) async throws -> (directory: String, journal: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-notify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "error('boom')\n".write(toFile: directory + "/fail.lua", atomically: true, encoding: .utf8)
        try "print('ok')\n".write(toFile: directory + "/ok.lua", atomically: true, encoding: .utf8)
        try "cmo.sleep(30)\n".write(toFile: directory + "/slow.lua", atomically: true, encoding: .utf8)
        let schedule = """
            retention = "30d"

            [[notify]]
            url = "\(hook)/json/SECRET-PATH?token=SECRET-QUERY"

            [[notify]]
            url = "\(hook)/slack/SECRET-PATH"
            format = "slack"
            on = ["recovered"]

            """ + job("failing", script: "fail.lua", extra: "pause_after_failures = 1")
            + job("recovering", script: "ok.lua") + job("slow", script: "slow.lua", extra: "timeout = 0.5")
        try schedule.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
        let journalPath = directory + "/journal.sqlite"
        let journal = try SQLiteJournal(path: journalPath)
        let missed = Date().addingTimeInterval(-3 * 3600)
        let file = directory + "/jobs.toml"
        try await journal.saveScheduleJob(JobRecord(name: "failing", scheduledThrough: missed), schedule: file)
        try await journal.saveScheduleJob(JobRecord(name: "slow", scheduledThrough: missed), schedule: file)
        try await journal.saveScheduleJob(
            JobRecord(name: "recovering", scheduledThrough: missed, lastSucceeded: false, consecutiveFailures: 2),
            schedule: file)
        // A run that ended 40 days ago: the retention prunes it at start.
        let old = RunEntry(id: "old-run", scriptPath: directory + "/ok.lua", scriptHash: "h", startedAt: Date().addingTimeInterval(-40 * 86_400))
        try await journal.begin(old)
        try await journal.finish(runID: old.id, exitCode: 0, stopReason: nil, counts: [:], at: old.startedAt.addingTimeInterval(1))
        return (directory, journalPath)
    }

    /// The `job/event` of each POST to the JSON hook.
    static func events(_ posts: [WebhookReceiver.Received]) -> [String] {
        posts.filter { $0.path == "/json/SECRET-PATH" }.compactMap(\.json).map { "\($0["job"] ?? "")/\($0["event"] ?? "")" }
    }

    @Test func failedPausedGuardAndRecoveredReachTheWebhookFromARealDaemon() async throws {
        try await WebhookReceiver.withReceiver { base, received in
            let (directory, journalPath) = try await Self.workspace(hook: base)
            chmod(journalPath, 0o644)  // the daemon warns, in JSON too
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-notify-state").path
            let environment = ProcessInfo.processInfo.environment.merging(Self.api) { $1 }
                .merging(["XDG_STATE_HOME": state]) { $1 }
            let daemon = try CMOBinary.start(
                ["schedule", "jobs.toml", "--journal", journalPath, "--log-format", "json"],
                environment: environment, in: directory)
            // Four events to the JSON hook and one to Slack (a hook slow to answer on a busy machine may get an
            // event twice: the sender retries; what counts is that each event arrives).
            let expected = ["failing/failed", "failing/paused", "recovering/recovered", "slow/guard"]
            let posts = try await received.waitUntil(seconds: 60) { posts in
                Set(Self.events(posts)) == Set(expected) && posts.contains { $0.path == "/slack/SECRET-PATH" }
            }
            daemon.send(SIGTERM)
            let ended = try daemon.wait(timeout: .seconds(60))
            #expect(ended.status == 0, "\(ended.stderr)")

            let json = posts.filter { $0.path == "/json/SECRET-PATH" }.compactMap(\.json)
            let byEvent = Dictionary(json.map { ("\($0["job"] ?? "")/\($0["event"] ?? "")", $0) }) { first, _ in first }
            #expect(byEvent.keys.sorted() == ["failing/failed", "failing/paused", "recovering/recovered", "slow/guard"])
            #expect(byEvent["failing/failed"]?["exit_code"] as? Int == 1)
            #expect(byEvent["failing/failed"]?["consecutive_failures"] as? Int == 1)
            #expect(byEvent["failing/paused"]?["consecutive_failures"] as? Int == 1)
            #expect(byEvent["slow/guard"]?["exit_code"] as? Int == 4)
            #expect(byEvent["slow/guard"]?["reason"] as? String == "stopped: timed out after 0.5 s")
            #expect((byEvent["failing/failed"]?["reason"] as? String)?.contains("fail.lua:1: boom") == true)
            #expect(byEvent["recovering/recovered"]?["consecutive_failures"] as? Int == 2)
            let runs = try SQLiteJournal(path: journalPath).runs(limit: 10)
            #expect(byEvent["recovering/recovered"]?["run_id"] as? String == runs.first { $0.job == "recovering" }?.id)
            #expect(!runs.contains { $0.id == "old-run" }, "pruned at start (retention = 30d)")
            let slack = try #require(posts.first { $0.path == "/slack/SECRET-PATH" }?.json)
            #expect((slack["text"] as? String)?.hasPrefix("job 'recovering' recovered: run ") == true)

            // Every stderr line (the daemon's and its runs') is a JSON object; none names the webhook's secret.
            let lines = ended.stderr.split(separator: "\n").map(String.init)
            let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(objects.count == lines.count, "not JSON: \(lines.filter { !$0.hasPrefix("{") })")
            #expect(!ended.stderr.contains("SECRET"))
            #expect(objects.contains {
                $0["level"] as? String == "warning" && ($0["message"] as? String)?.hasPrefix("the journal \(journalPath) is readable") == true
            })
            #expect(objects.contains { $0["message"] as? String == "journal pruned" && $0["runs"] as? String == "1" })
            #expect(objects.contains { $0["message"] as? String == "webhook sent" && $0["webhook"] as? String == "\(base)/…" })
            // The runs log in JSON too, with their run id and job.
            let failingRun = try #require(runs.first { $0.job == "failing" })
            #expect(objects.contains {
                $0["label"] as? String == "cmo" && $0["run_id"] as? String == failingRun.id && $0["job"] as? String == "failing"
            })
        }
    }
}
