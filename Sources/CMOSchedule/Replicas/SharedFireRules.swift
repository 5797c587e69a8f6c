import Foundation

/// The overlap, queue, pause and definition rules for replicas that share one store, as pure functions of what
/// the store read under the job's row lock: the stores (PostgreSQL, SQLite) only read, call these, and write what
/// they return, all in one transaction.
public enum SharedFireRules {
    /// What the store read under the job's lock.
    public struct View: Sendable, Equatable {
        /// The job's record (a new one when the row was just made).
        public var record: JobRecord
        /// The definition hash the journal holds for the job, if any.
        public var storedDefinition: String?
        /// The row of the fire being claimed, when some replica decided it already.
        public var existing: FireRow?
        /// The job's other fires not yet over (started and queued).
        public var open: [FireRow]

        public init(record: JobRecord, storedDefinition: String?, existing: FireRow?, open: [FireRow]) {
            self.record = record
            self.storedDefinition = storedDefinition
            self.existing = existing
            self.open = open
        }
    }

    /// What a claim writes: the fire's row (nil when it writes none), queued fires to drop, the record.
    public struct ClaimPlan: Sendable, Equatable {
        public var claim: FireClaim
        public var insert: FireRow?
        public var drop: [Date]
        public var record: JobRecord
    }

    /// Decides a fire. `runID` is the run to launch when this replica wins it.
    public static func claim(_ request: FireClaimRequest, view: View, runID: String) -> ClaimPlan {
        var record = view.record
        if let stored = view.storedDefinition, stored != request.definitionHash {
            return ClaimPlan(claim: .refused(storedDefinition: stored), insert: nil, drop: [], record: record)
        }
        record.scheduledThrough = max(record.scheduledThrough ?? request.handledThrough, request.handledThrough)
        if let existing = view.existing {
            return ClaimPlan(
                claim: .decidedElsewhere(decision: existing.decision, replica: existing.replica), insert: nil, drop: [],
                record: record)
        }
        func row(_ decision: FireRow.Decision, run: String? = nil, ended: Bool) -> FireRow {
            FireRow(fireTime: request.fireTime, decision: decision, runID: run, replica: request.replica, ended: ended)
        }
        if record.paused {
            return ClaimPlan(claim: .skipped(.paused), insert: row(.skipped, ended: true), drop: [], record: record)
        }
        let running = view.open.filter { $0.decision == .started }
        let queued = view.open.filter { $0.decision == .queued }
        if running.isEmpty || request.job.overlap == .allow {
            // A queued fire with nothing running lost its promoter (its replica died): this newer fire replaces it.
            record.lastFireTime = request.fireTime
            return ClaimPlan(
                claim: .start(runID: runID), insert: row(.started, run: runID, ended: false),
                drop: running.isEmpty ? queued.map(\.fireTime) : [], record: record)
        }
        switch request.job.overlap {
        case .skip, .allow:
            return ClaimPlan(claim: .skipped(.stillRunning), insert: row(.skipped, ended: true), drop: [], record: record)
        case .queue:
            if queued.isEmpty {
                return ClaimPlan(claim: .queued, insert: row(.queued, ended: false), drop: [], record: record)
            }
            return ClaimPlan(claim: .skipped(.queueFull), insert: row(.skipped, ended: true), drop: [], record: record)
        }
    }

    /// What a run's end writes: the record, a queued fire to start (as `runID`) or queued fires to drop.
    public struct EndPlan: Sendable, Equatable {
        public var followUp: FireEndResult.FollowUp
        public var promote: Date?
        public var drop: [Date]
        public var record: JobRecord
    }

    /// Ends a fire's run. `view.open` are the job's open fires other than the one ending.
    public static func end(_ request: FireEndRequest, view: View, runID: String) -> EndPlan {
        var record = view.record
        record.lastRunID = request.outcome.runID
        record.lastExitCode = request.outcome.exitCode
        record.lastSucceeded = request.outcome.succeeded
        record.lastFinishedAt = request.finishedAt
        let queued = view.open.filter { $0.decision == .queued }.map(\.fireTime).sorted()
        switch request.count {
        case .neither:
            break
        case .success:
            record.consecutiveFailures = 0
        case .failure:
            record.consecutiveFailures += 1
            if let limit = request.job.pauseAfterFailures, record.consecutiveFailures >= limit, !record.paused {
                record.paused = true
                return EndPlan(
                    followUp: .pause(consecutiveFailures: record.consecutiveFailures, droppedQueuedFire: queued.first),
                    promote: nil, drop: queued, record: record)
            }
        }
        let stillRunning = view.open.contains { $0.decision == .started }
        if let next = queued.first, !stillRunning, !record.paused, request.startsQueued {
            record.lastFireTime = next
            return EndPlan(
                followUp: .startQueued(fireTime: next, runID: runID), promote: next, drop: [], record: record)
        }
        return EndPlan(followUp: .none, promote: nil, drop: [], record: record)
    }
}
