import CMOJournal
import CMOSchedule
import CMOTestSupport
import CMOWatch
import Foundation
import Testing

/// `/metrics` as Prometheus' reference text parser (Python's `prometheus_client`) reads it: every count equals the
/// journal's, and runs written later are counted at the next scrape.
@Suite struct WatchMetricsTests {
    @Test func theCountsEqualTheJournalsAndFollowIt() async throws {
        let fixture = try await WatchFixture.make()
        defer { Task { await fixture.server.stop() } }
        let metrics = try await PrometheusSamples.fetch(fixture.server.baseURL + "/metrics")
        #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")

        // Runs started and finished, by job and exit code: as the journal's rows say.
        let runs = try fixture.journal.runs(limit: 100)
        for job in Set(runs.map { $0.job ?? "" }) {
            let ofJob = runs.filter { ($0.job ?? "") == job }
            #expect(metrics.value("cmo_runs_started_total", ["job": job]) == Double(ofJob.count), "\(job)")
            for code in Set(ofJob.compactMap(\.exitCode)) {
                #expect(
                    metrics.value("cmo_runs_finished_total", ["job": job, "exit_code": "\(code)"])
                        == Double(ofJob.filter { $0.exitCode == code }.count))
            }
            // Changes by outcome: the sum of the ended runs' counts.
            var outcomes: [String: Int] = [:]
            for run in ofJob { outcomes.merge(run.counts, uniquingKeysWith: +) }
            for (outcome, count) in outcomes {
                #expect(metrics.value("cmo_changes_total", ["job": job, "outcome": outcome]) == Double(count), "\(job) \(outcome)")
            }
        }
        #expect(metrics.value("cmo_runs_started_total", ["job": "hourly <b>"]) == 1, "the run still going is started")
        #expect(metrics.all("cmo_runs_finished_total").filter { $0.labels["job"] == "hourly <b>" }.isEmpty)
        #expect(metrics.value("cmo_changes_total", ["job": "nightly", "outcome": "failed"]) == 1)

        // API counters: what each run's client counted, added up.
        #expect(metrics.value("cmo_api_requests_total", ["job": "nightly"]) == 12)
        #expect(metrics.value("cmo_api_retries_total", ["job": "nightly"]) == 3)
        #expect(metrics.value("cmo_api_rate_limited_total", ["job": "nightly"]) == 1)
        #expect(metrics.value("cmo_api_token_fetches_total", ["job": "nightly"]) == 2)
        #expect(metrics.value("cmo_api_requests_total", ["job": ""]) == 2)

        // The duration histogram: two runs of 30 s.
        #expect(metrics.value("cmo_run_duration_seconds_count", ["job": "nightly"]) == 2)
        #expect(metrics.value("cmo_run_duration_seconds_sum", ["job": "nightly"]) == 60)
        #expect(metrics.value("cmo_run_duration_seconds_bucket", ["job": "nightly", "le": "15.0"]) == 0)
        #expect(metrics.value("cmo_run_duration_seconds_bucket", ["job": "nightly", "le": "30.0"]) == 2)

        // The daemon's state: last success, next fire, paused, failures in a row.
        let success = WatchFixture.base.addingTimeInterval(30).timeIntervalSince1970
        #expect(metrics.value("cmo_job_last_success_timestamp_seconds", ["job": "nightly"]) == success)
        let next = try #require(WatchFixture.jobs[0].nextFire(after: Date()))
        let served = try #require(metrics.value("cmo_job_next_fire_timestamp_seconds", ["job": "nightly"]))
        #expect(abs(served - next.timeIntervalSince1970) < 1)
        #expect(metrics.value("cmo_job_next_fire_timestamp_seconds", ["job": "hourly <b>"]) == nil, "paused: no next fire")
        #expect(metrics.value("cmo_job_paused", ["job": "hourly <b>"]) == 1)
        #expect(metrics.value("cmo_job_paused", ["job": "nightly"]) == 0)
        #expect(metrics.value("cmo_job_consecutive_failures", ["job": "hourly <b>"]) == 4)

        try await theNextScrapeCountsWhatTheJournalGained(fixture)
    }

    /// The run going on ends, and another starts: the next scrape counts both, and nothing twice.
    func theNextScrapeCountsWhatTheJournalGained(_ fixture: WatchFixture) async throws {
        try await fixture.journal.finish(
            runID: "20261202-040000-dddd", exitCode: 0, stopReason: nil, counts: ["changed": 2],
            api: RunAPICounts(requests: 3, retries: 0, rateLimited: 0, tokenFetches: 1))
        try await fixture.journal.begin(RunEntry(id: "20261202-050000-eeee", scriptPath: "/ops/hourly.lua", scriptHash: "h", job: "hourly <b>"))
        let later = try await PrometheusSamples.fetch(fixture.server.baseURL + "/metrics")
        #expect(later.value("cmo_runs_started_total", ["job": "hourly <b>"]) == 2)
        #expect(later.value("cmo_runs_finished_total", ["job": "hourly <b>", "exit_code": "0"]) == 1)
        #expect(later.value("cmo_changes_total", ["job": "hourly <b>", "outcome": "changed"]) == 2)
        #expect(later.value("cmo_api_requests_total", ["job": "hourly <b>"]) == 3)
        #expect(later.value("cmo_runs_started_total", ["job": "nightly"]) == 2, "nothing counted twice")
        #expect(later.value("cmo_api_requests_total", ["job": "nightly"]) == 12)
    }
}
