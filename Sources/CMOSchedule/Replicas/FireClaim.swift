import Foundation

/// What a replica asks the shared store before it fires a job.
public struct FireClaimRequest: Sendable {
    /// The job, as this replica's schedule file defines it.
    public var job: ScheduledJob
    /// The scheduled (or caught-up) fire time: the key all replicas compute alike.
    public var fireTime: Date
    /// Every fire up to this instant has been dealt with (the record's `scheduledThrough` moves to it).
    public var handledThrough: Date
    /// This replica's name (host and process), recorded on the fire.
    public var replica: String
    /// This replica's ``ScheduledJob/definitionHash`` of the job.
    public var definitionHash: String

    public init(job: ScheduledJob, fireTime: Date, handledThrough: Date, replica: String, definitionHash: String) {
        self.job = job
        self.fireTime = fireTime
        self.handledThrough = handledThrough
        self.replica = replica
        self.definitionHash = definitionHash
    }
}

/// The shared store's answer to a ``FireClaimRequest``.
public enum FireClaim: Sendable, Equatable {
    /// This replica won the fire: launch run `runID` now.
    case start(runID: String)
    /// The fire waits for the running run (overlap = queue); whoever ends that run starts it.
    case queued
    /// The fire was dropped, for everyone.
    case skipped(SkipReason)
    /// Another replica (or this one, before) already decided this fire.
    case decidedElsewhere(decision: FireRow.Decision, replica: String)
    /// The journal holds another definition of the job (a replica started later with a different schedule
    /// file): this replica does not fire it.
    case refused(storedDefinition: String)
}

/// A claim's answer and the job's record as the claim left it.
public struct FireClaimResult: Sendable, Equatable {
    public var claim: FireClaim
    public var record: JobRecord

    public init(claim: FireClaim, record: JobRecord) {
        self.claim = claim
        self.record = record
    }
}
