import Foundation

/// One fire of a job as the shared store keeps it (table `schedule_fire`): the decision every replica reads.
public struct FireRow: Sendable, Equatable {
    /// What was decided about the fire.
    public enum Decision: String, Sendable, Equatable {
        /// A run was launched (by `replica`, as `runID`).
        case started
        /// It waits for the running run to end (overlap = queue).
        case queued
        /// It was dropped (overlap, paused).
        case skipped
        /// It was queued and then dropped (the job paused, or a newer fire found nothing running).
        case dropped
    }

    /// The scheduled fire time, the row's key with the schedule and the job.
    public var fireTime: Date
    public var decision: Decision
    /// The run of a started fire (the latest, when the fire was taken over and resumed).
    public var runID: String?
    /// The replica that decided the fire, or that runs it now.
    public var replica: String
    /// Whether the fire is over (its run ended, or it was not a run at all).
    public var ended: Bool
    /// Whether its replica stopped proving it is alive (its heartbeat is older than the stale limit, by the
    /// store's clock).
    public var stale: Bool

    public init(fireTime: Date, decision: Decision, runID: String? = nil, replica: String, ended: Bool, stale: Bool = false) {
        self.fireTime = fireTime
        self.decision = decision
        self.runID = runID
        self.replica = replica
        self.ended = ended
        self.stale = stale
    }
}
