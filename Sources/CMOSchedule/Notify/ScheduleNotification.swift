import Foundation

/// What a webhook tells: one job's run failed, tripped a guard, paused the job, or recovered it. Made by
/// ``NotificationDecision``; turned into a body and sent by CMOWatch's `WebhookSender`.
public struct ScheduleNotification: Sendable, Equatable, Codable {
    /// The job.
    public var job: String
    /// What happened.
    public var event: NotifyEvent
    /// The run that made it happen (nil when the run never started, or for a pause announced apart from its run).
    public var runID: String?
    /// That run's exit code.
    public var exitCode: Int32?
    /// Failed runs in a row, this one included, as the daemon counts them (for `recovered`: the failed runs since
    /// the last success, also across a resume).
    public var consecutiveFailures: Int
    /// When the daemon saw it.
    public var time: Date
    /// One line for people: `job 'nightly' failed (exit 1, 2 failures in a row)`.
    public var summary: String
    /// Why the run stopped or failed, as its journal row says (`stopped: timed out after 1800 s`, the script's
    /// error), when the sender could read it.
    public var reason: String?

    public init(
        job: String, event: NotifyEvent, runID: String?, exitCode: Int32?, consecutiveFailures: Int, time: Date,
        summary: String, reason: String? = nil
    ) {
        self.job = job
        self.event = event
        self.runID = runID
        self.exitCode = exitCode
        self.consecutiveFailures = consecutiveFailures
        self.time = time
        self.summary = summary
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case job, event, runID = "run_id", exitCode = "exit_code", consecutiveFailures = "consecutive_failures"
        case time, summary, reason
    }
}
