import CMOSchedule
import Foundation

/// The schedule daemon's per-job state, kept in the run journal (table `schedule_job`) under the schedule file's
/// absolute path, so `cmo schedule status` and a restarted daemon see it. On a journal that shares fires
/// (``ScheduleFireJournal``: PostgreSQL, SQLite) the daemons running the same file are replicas: each fire is
/// claimed in the journal, and runs once.
public struct JournalScheduleStore: ScheduleStateStore {
    public let journal: any Journal
    /// The schedule file's absolute path: two files may have jobs of the same name.
    public let schedule: String

    public init(journal: any Journal, schedule: String) {
        self.journal = journal
        self.schedule = schedule
    }

    public func load(job name: String) async throws -> JobRecord? {
        try await journal.scheduleJob(schedule: schedule, name: name)
    }

    public func save(_ record: JobRecord) async throws {
        try await journal.saveScheduleJob(record, schedule: schedule)
    }

    private var fires: (any ScheduleFireJournal)? { journal as? any ScheduleFireJournal }

    public var sharesFires: Bool { fires != nil }

    public func claimFire(_ request: FireClaimRequest) async throws -> FireClaimResult? {
        try await fires?.claimFire(schedule: schedule, request)
    }

    public func endFire(_ request: FireEndRequest) async throws -> FireEndResult {
        guard let fires else { return FireEndResult(followUp: .none, record: JobRecord(name: request.job.name)) }
        return try await fires.endFire(schedule: schedule, request)
    }

    public func heartbeat(replica: String) async throws -> [FireKey] {
        try await fires?.heartbeatFires(schedule: schedule, replica: replica) ?? []
    }

    public func takeOverStaleFires(
        job: ScheduledJob, replica: String, definitionHash: String, staleAfter: Duration
    ) async throws -> [FireTakeover] {
        try await fires?.takeOverStaleFires(
            schedule: schedule, job: job.name, replica: replica, definitionHash: definitionHash, staleAfter: staleAfter) ?? []
    }

    public func registerDefinition(job: ScheduledJob, definitionHash: String) async throws -> String? {
        try await fires?.registerDefinition(schedule: schedule, job: job.name, definitionHash: definitionHash)
    }

    public func advanceScheduledThrough(job name: String, to date: Date) async throws {
        guard let fires else {
            var record = try await load(job: name) ?? JobRecord(name: name)
            record.scheduledThrough = max(record.scheduledThrough ?? date, date)
            return try await save(record)
        }
        try await fires.advanceScheduledThrough(schedule: schedule, job: name, to: date)
    }

    /// Un-pauses the job in the journal without rewriting the rest of its record, which a replica may be
    /// updating meanwhile (a claim, a run's end).
    @discardableResult
    public func resume(job name: String) async throws -> Bool {
        guard let fires else { return try await resumeByRewritingRecord(job: name) }
        return try await fires.resumeJob(schedule: schedule, job: name)
    }

    /// The hash of the job's definition, with its script's content hash (a changed script is another definition).
    public func definitionHash(of job: ScheduledJob) -> String {
        ContentHash.of(Data(job.definitionText(scriptHash: ContentHash.ofFile(job.script.path)).utf8))
    }
}
