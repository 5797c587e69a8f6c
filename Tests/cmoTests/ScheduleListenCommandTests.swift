import CMOJournal
import CMOSchedule
import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo schedule FILE --listen HOST:PORT` end to end: a real daemon firing real runs against `cmo sim`, its page in
/// a headless Chromium and its `/metrics` through Prometheus' reference parser, both equal to `cmo runs`.
@Suite struct ScheduleListenCommandTests {
    static let activate = """
        local n = 0
        for product in cmo.list{ fields = { "id", "status" }, where = { status = "INACTIVE" } } do
          if n >= 4 then break end
          cmo.activate(product.id, { only_if = "INACTIVE" })
          n = n + 1
        end
        print("activated " .. n)
        """
    static let schedule = """
        [[job]]
        name = "activate"
        cron = "0 * * * *"
        timezone = "Europe/Berlin"
        script = "activate.lua"
        catch_up = "last"
        catch_up_window = "2h"

        [[job]]
        name = "broken"
        cron = "*/5 * * * *"
        script = "broken.lua"
        catch_up = "last"
        catch_up_window = "2h"
        pause_after_failures = 1
        """

    @Test func theWindowOfARealDaemonShowsWhatCmoRunsShows() async throws {
        let sim = try SimProcess(fleet: 80, seed: 11)
        let directory = try CLI.workspace(Self.activate, name: "activate.lua")
        try "error('broken on purpose')".write(toFile: directory + "/broken.lua", atomically: true, encoding: .utf8)
        try Self.schedule.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
        let journalPath = directory + "/journal.sqlite"
        // A run of the job by hand first, with its API counters printed.
        let byHand = try CLI.run(
            ["run", "activate.lua", "--journal", journalPath, "--job", "activate", "--stats"], environment: sim.environment,
            in: directory)
        #expect(byHand.status == 0, "\(byHand)")
        let stats = try #require(byHand.stderr.firstMatch(of: /api: (\d+) requests, (\d+) retries, (\d+) answered 429, (\d+) token fetches/))
        // Both jobs last dealt with hours ago: each catches up its last fire at once.
        let journal = try SQLiteJournal(path: journalPath)
        for name in ["activate", "broken"] {
            try await journal.saveScheduleJob(
                JobRecord(name: name, scheduledThrough: Date().addingTimeInterval(-3 * 3600)), schedule: directory + "/jobs.toml")
        }
        let daemon = try CLI.start(
            ["schedule", "jobs.toml", "--journal", journalPath, "--listen", "127.0.0.1:0"], environment: sim.environment, in: directory)
        let base = try Self.listeningURL(of: daemon)
        try await Self.waitForEndedRuns(3, in: journal)

        let listed = try CLI.run(["runs", "--journal", journalPath, "--output", "json", "--limit", "100"], in: directory)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 3)

        try await Self.checkPage(base + "/", against: runs, screenshot: directory + "/status.png")
        try await Self.checkMetrics(base + "/metrics", against: runs, journal: journal, statsRequests: Int(stats.1) ?? 0,
            statsTokenFetches: Int(stats.4) ?? 0)
        let ready = try await ToolProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/readyz"])
        #expect(ready.stdout == "200")
        daemon.send(SIGTERM)
        let ended = try daemon.wait(timeout: .seconds(60))
        #expect(ended.status == 0, "\(ended)")
        _ = try sim.stop()
    }

    @Test func aBadOrTakenListenAddressExits2BeforeAnyJobFires() async throws {
        let directory = try CLI.workspace("print('ran')", name: "activate.lua")
        try "print('ran')".write(toFile: directory + "/broken.lua", atomically: true, encoding: .utf8)
        try Self.schedule.write(toFile: directory + "/jobs.toml", atomically: true, encoding: .utf8)
        let bad = try CLI.run(["schedule", "jobs.toml", "--journal", directory + "/a.sqlite", "--listen", "localhost"], in: directory)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--listen \"localhost\": no port; give HOST:PORT, e.g. 127.0.0.1:9464"), "\(bad.stderr)")

        // A daemon holds a port (its jobs are new: nothing fires); a second one, with a fire to catch up, wants it.
        let first = try CLI.start(["schedule", "jobs.toml", "--journal", directory + "/a.sqlite", "--listen", "127.0.0.1:0"], in: directory)
        let port = try #require(URL(string: try Self.listeningURL(of: first))?.port)
        let journal = try SQLiteJournal(path: directory + "/b.sqlite")
        try await journal.saveScheduleJob(
            JobRecord(name: "activate", scheduledThrough: Date().addingTimeInterval(-3 * 3600)), schedule: directory + "/jobs.toml")
        let second = try CLI.run(["schedule", "jobs.toml", "--journal", directory + "/b.sqlite", "--listen", "127.0.0.1:\(port)"], in: directory)
        #expect(second.status == 2)
        #expect(second.stderr.contains("error: cannot listen on 127.0.0.1:\(port) (--listen): "), "\(second.stderr)")
        #expect(try journal.runs(limit: 10).isEmpty, "no job fired")
        first.send(SIGTERM)
        #expect(try first.wait(timeout: .seconds(60)).status == 0)
    }

    /// The page in Chromium: no console message, a screenshot, and the runs and jobs as `cmo runs` has them.
    static func checkPage(_ url: String, against runs: [[String: Any]], screenshot: String) async throws {
        // The page, in Chromium: no console error, a screenshot, and the runs as `cmo runs` has them.
        let page = try await HeadlessChromium.load(url, screenshot: screenshot)
        #expect(page.consoleMessages.isEmpty, "\(page.consoleMessages)")
        #expect(FileManager.default.fileExists(atPath: screenshot))
        for run in runs {
            let id = try #require(run["id"] as? String)
            let row = try #require(page.dom.firstMatch(of: try Regex("<tr class=\"run\" data-run=\"\(id)\">(.*?)</tr>").dotMatchesNewlines()))
            let text = String(row.output[1].substring ?? "")
            #expect(text.contains("<td class=\"job\">\(run["job"] as? String ?? "-")</td>"), "\(id)")
            #expect(text.contains(">\(run["exit_code"] as? Int ?? -99)</td>"), "\(id): \(text)")
            for (outcome, count) in run["counts"] as? [String: Int] ?? [:] where count > 0 {
                #expect(text.contains("data-outcome=\"\(outcome)\">\(outcome) \(count)</span>"), "\(id) \(outcome)")
            }
        }
        // Each job's last exit code is its latest run's.
        for job in ["activate", "broken"] {
            let latest = try #require(runs.first { $0["job"] as? String == job })
            let row = try #require(page.dom.firstMatch(of: try Regex("<tr class=\"job\" data-job=\"\(job)\">(.*?)</tr>").dotMatchesNewlines()))
            #expect(String(row.output[1].substring ?? "").contains(">\(latest["exit_code"] as? Int ?? -99)</td>"), "\(job)")
        }

    }

    /// `/metrics` through prometheus_client: the runs and changes of `cmo runs`, the API counters the runs recorded
    /// (the run by hand's equal to what its `--stats` printed).
    static func checkMetrics(
        _ url: String, against runs: [[String: Any]], journal: SQLiteJournal, statsRequests: Int, statsTokenFetches: Int
    ) async throws {
        // /metrics, through prometheus_client: the runs and changes of `cmo runs`, the API counters of the runs.
        let metrics = try await PrometheusSamples.fetch(url)
        for job in ["activate", "broken"] {
            let ofJob = runs.filter { $0["job"] as? String == job }
            #expect(metrics.value("cmo_runs_started_total", ["job": job]) == Double(ofJob.count))
            for code in Set(ofJob.compactMap { $0["exit_code"] as? Int }) {
                let count = ofJob.filter { $0["exit_code"] as? Int == code }.count
                #expect(metrics.value("cmo_runs_finished_total", ["job": job, "exit_code": "\(code)"]) == Double(count))
            }
            var outcomes: [String: Int] = [:]
            for run in ofJob { outcomes.merge(run["counts"] as? [String: Int] ?? [:], uniquingKeysWith: +) }
            for (outcome, count) in outcomes where count > 0 {
                #expect(metrics.value("cmo_changes_total", ["job": job, "outcome": outcome]) == Double(count), "\(job) \(outcome)")
            }
        }
        #expect(metrics.value("cmo_changes_total", ["job": "activate", "outcome": "changed"]) == 8)
        let tallies = try journal.runTallies(after: 0, limit: 100).filter { $0.job == "activate" }
        let handRun = try #require(tallies.first)
        #expect(handRun.api?.requests == statsRequests && handRun.api?.tokenFetches == statsTokenFetches, "the journal keeps what --stats printed")
        let requests = tallies.compactMap { $0.api?.requests }.reduce(0, +)
        #expect(requests > statsRequests)
        #expect(metrics.value("cmo_api_requests_total", ["job": "activate"]) == Double(requests))
        #expect(metrics.value("cmo_api_token_fetches_total", ["job": "activate"]) == 2)
        #expect(metrics.value("cmo_job_paused", ["job": "broken"]) == 1)
        #expect(metrics.value("cmo_job_paused", ["job": "activate"]) == 0)
        #expect(metrics.value("cmo_job_next_fire_timestamp_seconds", ["job": "activate"]) != nil)

    }

    /// Waits for the daemon's `listening on http://...` log line and returns the URL.
    static func listeningURL(of daemon: RunningCommand) throws -> String {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let match = daemon.stderr.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/) { return String(match.1) }
            guard daemon.isRunning else { break }
            usleep(50_000)
        }
        throw ToolProcess.Failure(description: "the daemon did not say where it listens: \(daemon.stderr)")
    }

    /// Waits until the journal has `count` runs with an end.
    static func waitForEndedRuns(_ count: Int, in journal: SQLiteJournal) async throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if try journal.runs(limit: 100).filter({ $0.exitCode != nil }).count >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ToolProcess.Failure(description: "fewer than \(count) runs ended in time")
    }
}
