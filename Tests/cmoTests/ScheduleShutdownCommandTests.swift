import CMOJournal
import CMOSchedule
import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fire of `cmo schedule` in flight when the daemon is told to stop: the run gets the SIGTERM, records what it
/// had in flight and exits 4; the daemon records it as stopped, not as a failure toward `pause_after_failures`.
@Suite struct ScheduleShutdownCommandTests {
    /// An API configuration for the child runs (their script makes no API call, but a run needs one to start).
    static let api = [
        "CMO_API_URL": "http://127.0.0.1:9/api", "CMO_TENANT": "eos", "CMO_AUTH_URL": "http://127.0.0.1:9/auth",
        "CMO_CLIENT_ID": "cmo-demo", "CMO_CLIENT_SECRET": "secret",
    ]

    @Test func aRunStoppedByTheDaemonsShutdownIsRecordedAsStoppedNotAsAFailure() async throws {
        let directory = try CLI.workspace("print('ready') cmo.sleep(60) print('never')", name: "job.lua")
        try """
            [[job]]
            name = "long"
            cron = "0 * * * *"
            script = "job.lua"
            catch_up = "last"
            catch_up_window = "2h"
            pause_after_failures = 1
            """.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
        let journalPath = directory + "/journal.sqlite"
        let journal = try SQLiteJournal(path: journalPath)
        // Last dealt with hours ago: the fire at the top of this hour is caught up at once.
        try await journal.saveScheduleJob(
            JobRecord(name: "long", scheduledThrough: Date().addingTimeInterval(-3 * 3600)), schedule: directory + "/jobs.toml")
        let daemon = try CLI.start(
            ["schedule", "jobs.toml", "--journal", journalPath, "--grace", "0"], environment: Self.api, in: directory)
        try daemon.waitForOutput(containing: "ready\n")
        daemon.send(SIGTERM)
        let ended = try daemon.wait(timeout: .seconds(60))
        #expect(ended.status == 0, "\(ended)")
        #expect(ended.stdout == "ready\n")
        #expect(ended.stderr.contains("run stopped by the shutdown; not counted as a failure"))

        let run = try #require(try journal.runs(limit: 1).first)
        #expect(run.job == "long")
        #expect(run.exitCode == 4)
        #expect(run.stopReason == "stopped: interrupted by SIGTERM")
        let status = try CLI.run(["schedule", "status", "jobs.toml", "--journal", journalPath, "--output", "json"], in: directory)
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(jobs.first?["last_run_id"] as? String == run.id)
        #expect(jobs.first?["last_exit_code"] as? Int == 4)
        #expect(jobs.first?["consecutive_failures"] as? Int == 0)
        #expect(jobs.first?["paused"] as? Bool == false, "one stop does not pause a job that pauses after one failure")
    }
}
