import Foundation

/// What the daemon did, in order, on ``ScheduleDaemon/events``; each is emitted after the store
/// was updated, so an observer may read the store right away.
public enum ScheduleEvent: Sendable, Equatable {
    /// A run was launched for `fireTime` (`catchUp` when it makes up for a missed fire at start-up).
    case started(job: String, fireTime: Date, catchUp: Bool)
    /// A fire came while the previous run was going and waits for it (overlap = queue).
    case queued(job: String, fireTime: Date)
    /// A fire was dropped.
    case skipped(job: String, fireTime: Date, reason: SkipReason)
    /// Fires missed while the daemon was not running were dropped at start-up; `firstMissed` is the earliest.
    case missed(job: String, firstMissed: Date)
    /// A run finished.
    case finished(job: String, fireTime: Date, outcome: JobRunOutcome)
    /// The job reached its `pause_after_failures` limit and no longer fires.
    case paused(job: String, consecutiveFailures: Int)
    /// A paused job was resumed.
    case resumed(job: String)
    /// The daemon finished shutting down; the stream ends after this.
    case stopped
}
