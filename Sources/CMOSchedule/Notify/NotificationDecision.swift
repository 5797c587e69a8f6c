import Foundation

/// Decides what the `[[notify]]` webhooks are told, from the daemon's events: a value with events in and
/// notifications out, no clock, no network (the caller gives the time and sends what comes out).
///
/// - A finished run that failed (exit neither 0 nor 4) is `failed`; one that stopped on its own (exit 4: a guard,
///   its timeout, a budget) is `guard`. Both count as a failure in a row, as the daemon counts them.
/// - A run stopped by the daemon's own shutdown (exit 4 after ``shutdownBegan()``) is no failure: nothing is sent.
/// - ``ScheduleEvent/paused(job:consecutiveFailures:)`` is `paused`.
/// - The first success after failures is `recovered`, also after the job was resumed (a resume clears the daemon's
///   count, not the fact that the job was failing); it tells the failed runs since the last success.
public struct NotificationDecision: Sendable, Equatable {
    struct JobState: Sendable, Equatable {
        /// As the daemon counts them (a resume starts again from 0).
        var consecutiveFailures = 0
        /// Failed runs since the last success, across resumes: what a recovery ends.
        var failuresSinceSuccess = 0
        var failing = false
        var lastRunID: String?
        var lastExitCode: Int32?
    }

    private(set) var jobs: [String: JobState] = [:]
    private(set) var shuttingDown = false

    /// Starts from the jobs' records as the daemon will load them, so that a job failing before a restart
    /// recovers after it.
    public init(records: [JobRecord] = []) {
        for record in records {
            jobs[record.name] = JobState(
                consecutiveFailures: record.consecutiveFailures, failuresSinceSuccess: record.consecutiveFailures,
                failing: record.consecutiveFailures > 0 || record.paused || record.lastSucceeded == false,
                lastRunID: record.lastRunID, lastExitCode: record.lastExitCode)
        }
    }

    /// The daemon was told to stop: runs ending with exit 4 from now on were stopped by it.
    public mutating func shutdownBegan() {
        shuttingDown = true
    }

    /// What `event`, seen at `time`, should be told.
    public mutating func observe(_ event: ScheduleEvent, at time: Date) -> [ScheduleNotification] {
        switch event {
        case .finished(let job, _, let outcome):
            return finished(job, outcome: outcome, at: time).map { [$0] } ?? []
        case .paused(let job, let failures):
            let state = jobs[job] ?? JobState()
            return [ScheduleNotification(
                job: job, event: .paused, runID: state.lastRunID, exitCode: state.lastExitCode,
                consecutiveFailures: failures, time: time,
                summary: "job '\(job)' paused after \(Self.failures(failures)) in a row; "
                    + "resume it with 'cmo schedule resume FILE \(job)'")]
        case .resumed(let job):
            jobs[job, default: JobState()].consecutiveFailures = 0
            return []
        case .started, .queued, .skipped, .missed, .stopped:
            return []
        }
    }

    private mutating func finished(_ job: String, outcome: JobRunOutcome, at time: Date) -> ScheduleNotification? {
        var state = jobs[job] ?? JobState()
        defer { jobs[job] = state }
        state.lastRunID = outcome.runID
        state.lastExitCode = outcome.exitCode
        let run = outcome.runID.map { "run \($0)" } ?? "the run"
        if outcome.succeeded {
            let ended = state.failuresSinceSuccess
            let wasFailing = state.failing
            state.consecutiveFailures = 0
            state.failuresSinceSuccess = 0
            state.failing = false
            guard wasFailing else { return nil }
            let after = ended > 0 ? " after \(Self.failures(ended)) in a row" : " after failures"
            return ScheduleNotification(
                job: job, event: .recovered, runID: outcome.runID, exitCode: outcome.exitCode,
                consecutiveFailures: ended, time: time, summary: "job '\(job)' recovered: \(run) succeeded\(after)")
        }
        if outcome.stopped, shuttingDown { return nil }
        state.consecutiveFailures += 1
        state.failuresSinceSuccess += 1
        state.failing = true
        let inARow = "\(Self.failures(state.consecutiveFailures)) in a row"
        let (event, what): (NotifyEvent, String) =
            outcome.stopped
            ? (.guardTripped, "stopped early (exit \(outcome.exitCode): a guard, its timeout or a budget; \(inARow))")
            : (.failed, "failed (exit \(outcome.exitCode); \(inARow))")
        return ScheduleNotification(
            job: job, event: event, runID: outcome.runID, exitCode: outcome.exitCode,
            consecutiveFailures: state.consecutiveFailures, time: time, summary: "job '\(job)': \(run) \(what)")
    }

    private static func failures(_ count: Int) -> String {
        count == 1 ? "1 failure" : "\(count) failures"
    }
}
