import CMOJournal
import CMOSchedule
import Foundation
import Prometheus
import Synchronization

/// The daemon's metrics in a Prometheus registry of their own: counters fed run by run from the journal (by
/// ``RunLedger``), gauges set from the daemon's job statuses at each scrape.
final class WatchMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The latest successful end per job, so that the gauge only moves forward.
    private let lastSuccess = Mutex<[String: Date]>([:])

    static let durationBuckets: [Duration] = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200].map { .seconds($0) }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "cmo", metricName: metric, unitName: unit, helpText: help)
    }

    static var runsStarted: MetricNameDescriptor { name("runs_started", "total", "Runs started, by schedule job (empty: started by hand).") }
    static var runsFinished: MetricNameDescriptor { name("runs_finished", "total", "Runs ended, by job and exit code.") }
    static var changes: MetricNameDescriptor { name("changes", "total", "Changes of ended runs, by job and outcome.") }
    static var apiRequests: MetricNameDescriptor { name("api_requests", "total", "API requests of ended runs (retries included), by job.") }
    static var apiRetries: MetricNameDescriptor { name("api_retries", "total", "Retries of API requests of ended runs, by job.") }
    static var apiRateLimited: MetricNameDescriptor { name("api_rate_limited", "total", "429 answers to ended runs, by job.") }
    static var apiTokenFetches: MetricNameDescriptor { name("api_token_fetches", "total", "Token requests of ended runs, by job.") }
    static var runDuration: MetricNameDescriptor { name("run_duration", "seconds", "How long ended runs took, by job.") }
    static var lastSuccessTime: MetricNameDescriptor { name("job_last_success", "timestamp_seconds", "When the job's last successful run ended.") }
    static var nextFireTime: MetricNameDescriptor { name("job_next_fire", "timestamp_seconds", "When the job fires next (absent: never or paused).") }
    static var paused: MetricNameDescriptor { name("job_paused", "", "1 when the job is paused after failures in a row.") }
    static var failuresInARow: MetricNameDescriptor { name("job_consecutive_failures", "", "Failed runs of the job since its last success.") }
    static var running: MetricNameDescriptor { name("job_runs_in_flight", "", "Runs of the job going on now.") }

    /// Counts a run the journal shows started.
    func runStarted(_ run: RunTally) {
        registry.makeCounter(descriptor: Self.runsStarted, labels: [("job", run.job ?? "")]).increment()
    }

    /// Counts a run the journal shows ended: its exit code, changes, API counters, duration, success time.
    func runFinished(_ run: RunTally) {
        let job = run.job ?? ""
        let labels = [("job", job)]
        registry.makeCounter(
            descriptor: Self.runsFinished, labels: [("job", job), ("exit_code", "\(run.exitCode ?? -1)")]
        ).increment()
        for (outcome, count) in run.counts where count > 0 {
            registry.makeCounter(descriptor: Self.changes, labels: [("job", job), ("outcome", outcome)])
                .increment(by: Int64(count))
        }
        let api = run.api ?? RunAPICounts(requests: 0, retries: 0, rateLimited: 0, tokenFetches: 0)
        registry.makeCounter(descriptor: Self.apiRequests, labels: labels).increment(by: Int64(api.requests))
        registry.makeCounter(descriptor: Self.apiRetries, labels: labels).increment(by: Int64(api.retries))
        registry.makeCounter(descriptor: Self.apiRateLimited, labels: labels).increment(by: Int64(api.rateLimited))
        registry.makeCounter(descriptor: Self.apiTokenFetches, labels: labels).increment(by: Int64(api.tokenFetches))
        if let ended = run.endedAt {
            let milliseconds = max(0, Int64((ended.timeIntervalSince(run.startedAt) * 1_000).rounded()))
            registry.makeDurationHistogram(descriptor: Self.runDuration, labels: labels, buckets: Self.durationBuckets)
                .record(.milliseconds(milliseconds))
            if run.exitCode == 0 { succeeded(job: job, at: ended) }
        }
    }

    private func succeeded(job: String, at date: Date) {
        let latest = lastSuccess.withLock { latest in
            latest[job] = max(latest[job] ?? date, date)
            return latest[job]!
        }
        registry.makeGauge(descriptor: Self.lastSuccessTime, labels: [("job", job)]).set(latest.timeIntervalSince1970)
    }

    /// Sets the per-job gauges from the daemon's view of its jobs.
    func update(_ statuses: [JobStatus]) {
        for status in statuses {
            let labels = [("job", status.name)]
            registry.makeGauge(descriptor: Self.paused, labels: labels).set(status.paused ? 1.0 : 0.0)
            registry.makeGauge(descriptor: Self.failuresInARow, labels: labels).set(Double(status.consecutiveFailures))
            registry.makeGauge(descriptor: Self.running, labels: labels).set(Double(status.running))
            let next = registry.makeGauge(descriptor: Self.nextFireTime, labels: labels)
            if let fire = status.nextFireTime {
                next.set(fire.timeIntervalSince1970)
            } else {
                registry.unregisterGauge(next)
            }
        }
    }
}
