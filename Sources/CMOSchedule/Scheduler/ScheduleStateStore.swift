import Foundation

/// Where the scheduler keeps each job's ``JobRecord``; the CLI backs it with the run journal.
///
/// A store may also share fires between replicas (several daemons running the same schedule file against one
/// journal): then ``claimFire(_:)`` decides each fire for all of them, and the daemon launches a run only when its
/// claim wins. A store that does not share fires (the default implementations) returns nil from ``claimFire(_:)``
/// and the daemon decides alone.
public protocol ScheduleStateStore: Sendable {
    /// The record for `name`, or nil for a job never seen before.
    func load(job name: String) async throws -> JobRecord?
    /// Stores `record`, replacing any record of the same name.
    func save(_ record: JobRecord) async throws

    /// Whether this store shares fires between replicas (the methods below); false by default.
    var sharesFires: Bool { get }

    /// Decides a due fire for every replica, in one transaction that first locks the job's row: the fire's
    /// decision is written once, keyed by the job and the fire time. Nil when this store does not share fires.
    /// The daemon calls it before it launches anything.
    func claimFire(_ request: FireClaimRequest) async throws -> FireClaimResult?
    /// Records the end of a run this replica claimed (under the job's lock): the failure count, a pause, and
    /// the queued fire it starts next, if any.
    func endFire(_ request: FireEndRequest) async throws -> FireEndResult
    /// Proves `replica` is alive for its fires not yet ended; returns those still its own (a fire missing from
    /// the answer was taken over by another replica).
    func heartbeat(replica: String) async throws -> [FireKey]
    /// Takes over the job's started fires whose replica's heartbeat is older than `staleAfter` (by the store's
    /// clock), for `replica` to resume; none when the stored definition is not `definitionHash`.
    func takeOverStaleFires(
        job: ScheduledJob, replica: String, definitionHash: String, staleAfter: Duration
    ) async throws -> [FireTakeover]
    /// Makes `definitionHash` the job's definition (the replica started last defines the job); returns the
    /// definition it replaced, when another.
    func registerDefinition(job: ScheduledJob, definitionHash: String) async throws -> String?
    /// Moves the job's `scheduledThrough` forward to `date` (never back), making the record when there is none.
    func advanceScheduledThrough(job name: String, to date: Date) async throws
    /// The hash of the job's definition (``ScheduledJob/definitionText(scriptHash:)``).
    func definitionHash(of job: ScheduledJob) -> String
    /// Un-pauses job `name` and clears its failure count (`cmo schedule resume FILE JOB`), leaving the rest of
    /// its record as it is (a replica may be writing it); false when the job has no record or was not paused.
    @discardableResult
    func resume(job name: String) async throws -> Bool
}

/// A fire, by job name and fire time.
public struct FireKey: Sendable, Hashable {
    public var job: String
    public var fireTime: Date

    public init(job: String, fireTime: Date) {
        self.job = job
        self.fireTime = fireTime
    }
}

extension ScheduleStateStore {
    public var sharesFires: Bool { false }

    public func claimFire(_ request: FireClaimRequest) async throws -> FireClaimResult? { nil }

    public func endFire(_ request: FireEndRequest) async throws -> FireEndResult {
        throw SharedFiresUnsupported()
    }

    public func heartbeat(replica: String) async throws -> [FireKey] { [] }

    public func takeOverStaleFires(
        job: ScheduledJob, replica: String, definitionHash: String, staleAfter: Duration
    ) async throws -> [FireTakeover] { [] }

    public func registerDefinition(job: ScheduledJob, definitionHash: String) async throws -> String? { nil }

    public func advanceScheduledThrough(job name: String, to date: Date) async throws {
        var record = try await load(job: name) ?? JobRecord(name: name)
        record.scheduledThrough = max(record.scheduledThrough ?? date, date)
        try await save(record)
    }

    public func definitionHash(of job: ScheduledJob) -> String { job.definitionText(scriptHash: nil) }

    /// Un-pauses job `name` and clears its failure count by rewriting its record (a store that no other process
    /// writes). A running daemon notices within its paused-recheck interval.
    ///
    /// - Returns: false when the job has no record or was not paused.
    @discardableResult
    public func resume(job name: String) async throws -> Bool {
        try await resumeByRewritingRecord(job: name)
    }

    /// ``resume(job:)`` by loading the job's record and saving it un-paused with no failures.
    public func resumeByRewritingRecord(job name: String) async throws -> Bool {
        guard var record = try await load(job: name), record.paused else { return false }
        record.paused = false
        record.consecutiveFailures = 0
        try await save(record)
        return true
    }
}

/// ``ScheduleStateStore/endFire(_:)`` on a store that shares no fires.
struct SharedFiresUnsupported: Error, CustomStringConvertible {
    var description: String { "this schedule store does not share fires" }
}
