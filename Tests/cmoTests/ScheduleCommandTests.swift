import CMOJournal
import CMOSchedule
import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo schedule`: check, the daemon (catch-up, a journaled run, SIGTERM), status and resume.
@Suite struct ScheduleCommandTests {
    static let script = "print('hello from ' .. cmo.vars.who)"

    static func workspace(_ schedule: String) throws -> String {
        let directory = try CLI.workspace(script, name: "job.lua")
        try schedule.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
        return directory
    }

    /// What a daemon started with a missed fire did: its output, and the run it caught up.
    struct CaughtUp {
        var status: Int32
        var stdout: String
        var stderr: String
        var run: RunEntry
    }

    /// Records that the schedule in `directory` was last dealt with hours ago (so its hourly job missed the fire
    /// at the top of this hour), starts `cmo schedule`, waits for the caught-up run to end, then sends SIGTERM.
    static func catchUp(job: String, in directory: String) async throws -> CaughtUp {
        let journalPath = directory + "/journal.sqlite"
        let journal = try SQLiteJournal(path: journalPath)
        let seeded = JobRecord(name: job, scheduledThrough: Date().addingTimeInterval(-3 * 3600))
        try await journal.saveScheduleJob(seeded, schedule: directory + "/jobs.toml")
        // The runs need an API configuration to start (their script calls none).
        let daemon = try CLI.start(
            ["schedule", "jobs.toml", "--journal", journalPath], environment: ScheduleShutdownCommandTests.api, in: directory)
        var run: RunEntry?
        // A blocking poll on purpose: it owns its thread, so a busy test pool cannot starve it.
        while daemon.isRunning, run?.exitCode == nil {
            run = try journal.runs(limit: 1).first
            if run?.exitCode == nil { usleep(20_000) }
        }
        daemon.send(SIGTERM)
        let ended = try daemon.wait()
        return CaughtUp(
            status: ended.status, stdout: ended.stdout, stderr: ended.stderr, run: try #require(run, "\(ended.stderr)"))
    }

    @Test func checkPrintsTheNextFiveRunsOfEveryJob() throws {
        let directory = try Self.workspace("""
            [[job]]
            name = "weekdays"
            cron = "30 2 * * MON-FRI"
            timezone = "Europe/Berlin"
            script = "job.lua"

            [[job]]
            name = "hourly"
            cron = "@hourly"
            script = "job.lua"
            """)
        let result = try CLI.run(["schedule", "check", "jobs.toml"], in: directory)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 13)
        #expect(lines[0] == "weekdays: 30 2 * * MON-FRI (Europe/Berlin) -> \(directory)/job.lua")
        #expect(lines[1...5].allSatisfy { $0.hasPrefix("  20") && $0.contains(" 02:30 +0") && $0.hasSuffix("(Europe/Berlin)") })
        #expect(lines[6] == "hourly: @hourly (UTC) -> \(directory)/job.lua")
        #expect(lines[7...11].allSatisfy { $0.contains(":00 +00:00 (UTC)") })
        #expect(lines[12] == "jobs.toml: 2 jobs, ok")
    }

    @Test func checkReportsEveryProblemWithItsLine() throws {
        let directory = try Self.workspace("""
            [[job]]
            name = "a"
            cron = "61 * * * *"
            script = "missing.lua"
            concurrency = "8"
            overlap = "sometimes"
            """)
        let result = try CLI.run(["schedule", "check", "jobs.toml"], in: directory)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            jobs.toml:3: job 'a': cron: minute: 61 is out of range 0-59
            jobs.toml:4: job 'a': script: no such file '\(directory)/missing.lua'
            jobs.toml:5: job 'a': 'concurrency' must be an integer, got string
            jobs.toml:6: job 'a': overlap: must be one of skip, queue, allow, got 'sometimes'

            """)
    }

    @Test func theDaemonCatchesUpAJournaledRunAndStopsOnSIGTERM() async throws {
        let directory = try Self.workspace("""
            [[job]]
            name = "hourly"
            cron = "0 * * * *"
            script = "job.lua"
            vars = { who = "the schedule" }
            catch_up = "last"
            catch_up_window = "2h"
            """)
        let journalPath = directory + "/journal.sqlite"
        let caught = try await Self.catchUp(job: "hourly", in: directory)
        #expect(caught.status == 0)
        #expect(caught.stdout == "hello from the schedule\n")
        #expect(caught.stderr.contains("catching up the last missed fire"))
        #expect(caught.stderr.contains("SIGTERM: stopping"))
        let finished = caught.run
        #expect(finished.job == "hourly")
        #expect(finished.exitCode == 0)
        #expect(finished.vars == ["who": "the schedule"])

        let status = try CLI.run(["schedule", "status", "jobs.toml", "--journal", journalPath, "--output", "json"], in: directory)
        let jobs = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(jobs.first?["last_run_id"] as? String == finished.id)
        #expect(jobs.first?["last_exit_code"] as? Int == 0)
        #expect(jobs.first?["paused"] as? Bool == false)
        #expect((jobs.first?["next_fire"] as? String)?.hasSuffix(":00:00Z") == true)
    }

    @Test func aPausedJobShowsHowToResumeAndResumes() async throws {
        let directory = try Self.workspace("""
            [[job]]
            name = "fragile"
            cron = "*/5 * * * *"
            script = "job.lua"
            pause_after_failures = 2
            """)
        let journalPath = directory + "/journal.sqlite"
        try await SQLiteJournal(path: journalPath).saveScheduleJob(
            JobRecord(name: "fragile", lastRunID: "r-9", lastExitCode: 3, consecutiveFailures: 2, paused: true),
            schedule: directory + "/jobs.toml")
        let paused = try CLI.run(["schedule", "status", "jobs.toml", "--journal", journalPath, "--output", "table"], in: directory)
        #expect(paused.stdout.contains("paused after 2 failures: cmo schedule resume jobs.toml fragile"))
        let resumed = try CLI.run(["schedule", "resume", "jobs.toml", "fragile", "--journal", journalPath], in: directory)
        #expect(resumed.stdout == "fragile: resumed\n")
        let status = try CLI.run(["schedule", "status", "jobs.toml", "--journal", journalPath, "--output", "table"], in: directory)
        #expect(status.stdout.contains("  ok"))
        #expect(!status.stdout.contains("paused"))
        let unknown = try CLI.run(["schedule", "resume", "jobs.toml", "nope", "--journal", journalPath], in: directory)
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "error: no job 'nope' in jobs.toml\n")
    }

    @Test func scheduledRunsGetTheJobsRunOptions() async throws {
        let directory = try Self.workspace("""
            [[job]]
            name = "careful"
            cron = "0 * * * *"
            script = "job.lua"
            catch_up = "last"
            dry_run = true
            max_changes = 10
            concurrency = 4
            timeout = 600
            report = "reports/{run_id}.json"
            inputs = { sims = "job.lua" }
            vars = { who = "x" }
            """)
        try FileManager.default.createDirectory(atPath: directory + "/reports", withIntermediateDirectories: true)
        let finished = try await Self.catchUp(job: "careful", in: directory).run
        #expect(finished.dryRun)
        #expect(finished.inputs["sims"]?.path == directory + "/job.lua")
        let report = try Data(contentsOf: URL(fileURLWithPath: directory + "/reports/\(finished.id).json"))
        let document = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        #expect(document["run_id"] as? String == finished.id)
        #expect(document["dry_run"] as? Bool == true)
    }

    @Test func aJobsTenantRateLimitReachesItsRunsThroughThePostgreSQLJournal() async throws {
        let schedule = """
            [[job]]
            name = "shared"
            cron = "0 * * * *"
            script = "job.lua"
            catch_up = "last"
            tenant_rate_limit = 20
            vars = { who = "x" }
            """
        // Without a PostgreSQL journal the daemon refuses the job before anything fires.
        let directory = try Self.workspace(schedule)
        let refused = try CLI.run(
            ["schedule", "jobs.toml", "--journal", directory + "/journal.sqlite"],
            environment: ScheduleShutdownCommandTests.api, in: directory)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("tenant_rate_limit (job shared) is shared through a PostgreSQL journal"))

        // With one, the caught-up run takes its requests' pace from the tenant's bucket: its row is there.
        let cluster = try PostgresTestCluster.shared()
        let url = try cluster.makeDatabase()
        let journal = try await PostgresJournal.open(try PostgresLocation(url: url.absoluteString))
        let seeded = JobRecord(name: "shared", scheduledThrough: Date().addingTimeInterval(-3 * 3600))
        try await journal.saveScheduleJob(seeded, schedule: directory + "/jobs.toml")
        let daemon = try CLI.start(
            ["schedule", "jobs.toml", "--journal", url.absoluteString], environment: ScheduleShutdownCommandTests.api,
            in: directory)
        var run: RunEntry?
        for _ in 0..<600 where daemon.isRunning && run?.exitCode == nil {
            run = try await journal.runs(limit: 1).first
            if run?.exitCode == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        daemon.send(SIGTERM)
        let ended = try daemon.wait()
        await journal.close()
        #expect(run?.exitCode == 0, "\(ended.stderr)")
        let buckets = try cluster.psql("SELECT count(*) FROM tenant_rate", database: url.lastPathComponent)
        #expect(buckets.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(ended.stderr)")
    }
}
