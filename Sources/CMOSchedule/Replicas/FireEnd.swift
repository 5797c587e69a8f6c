import Foundation

/// What a replica tells the shared store when a run of a fire ended.
public struct FireEndRequest: Sendable {
    /// How the run's end counts towards `pause_after_failures`.
    public enum Count: Sendable, Equatable {
        /// A success: the failure count starts again.
        case success
        /// A failure: one more in a row.
        case failure
        /// Stopped by this replica's shutdown: neither.
        case neither
    }

    public var job: ScheduledJob
    public var fireTime: Date
    public var replica: String
    public var outcome: JobRunOutcome
    public var count: Count
    public var finishedAt: Date
    /// Whether this replica may start a queued fire now (not while it shuts down: the fire then waits for another).
    public var startsQueued: Bool

    public init(
        job: ScheduledJob, fireTime: Date, replica: String, outcome: JobRunOutcome, count: Count, finishedAt: Date,
        startsQueued: Bool = true
    ) {
        self.startsQueued = startsQueued
        self.job = job
        self.fireTime = fireTime
        self.replica = replica
        self.outcome = outcome
        self.count = count
        self.finishedAt = finishedAt
    }
}

/// The shared store's answer to a ``FireEndRequest``.
public struct FireEndResult: Sendable, Equatable {
    /// What follows the run's end.
    public enum FollowUp: Sendable, Equatable {
        case none
        /// A queued fire was waiting: this replica starts it now, as run `runID`.
        case startQueued(fireTime: Date, runID: String)
        /// The job reached its failure limit and is paused (a queued fire, if any, was dropped).
        case pause(consecutiveFailures: Int, droppedQueuedFire: Date?)
    }

    public var followUp: FollowUp
    public var record: JobRecord

    public init(followUp: FollowUp, record: JobRecord) {
        self.followUp = followUp
        self.record = record
    }
}

/// A fire whose replica died, now this replica's: it runs `runID`, resuming `resuming` (the dead replica's run,
/// when it had begun in the journal) or from the start.
public struct FireTakeover: Sendable, Equatable {
    public var fireTime: Date
    public var runID: String
    public var resuming: String?

    public init(fireTime: Date, runID: String, resuming: String?) {
        self.fireTime = fireTime
        self.runID = runID
        self.resuming = resuming
    }
}
