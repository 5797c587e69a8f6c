/// Where the scheduler keeps each job's ``JobRecord``; the CLI backs it with the run journal.
public protocol ScheduleStateStore: Sendable {
    /// The record for `name`, or nil for a job never seen before.
    func load(job name: String) async throws -> JobRecord?
    /// Stores `record`, replacing any record of the same name.
    func save(_ record: JobRecord) async throws
}

extension ScheduleStateStore {
    /// Un-pauses job `name` and clears its failure count (for `cmo schedule resume FILE JOB`).
    /// A running daemon notices within its paused-recheck interval.
    ///
    /// - Returns: false when the job has no record or was not paused.
    @discardableResult
    public func resume(job name: String) async throws -> Bool {
        guard var record = try await load(job: name), record.paused else { return false }
        record.paused = false
        record.consecutiveFailures = 0
        try await save(record)
        return true
    }
}
