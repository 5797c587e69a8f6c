import CMOSchedule
import Foundation

/// A journal that shares the schedule's fires between replicas (table `schedule_fire`, one row per job and fire
/// time): each operation is one transaction that first locks the job's row in `schedule_job`
/// (PostgreSQL: `SELECT ... FOR UPDATE`; SQLite: an immediate transaction) and then reads the fires as they are
/// once the lock is held. Decisions are ``SharedFireRules``'.
public protocol ScheduleFireJournal: Journal {
    /// Decides a fire of `schedule`'s job (see ``ScheduleStateStore/claimFire(_:)``).
    func claimFire(schedule: String, _ request: FireClaimRequest) async throws(JournalError) -> FireClaimResult
    /// Ends a fire's run (see ``ScheduleStateStore/endFire(_:)``).
    func endFire(schedule: String, _ request: FireEndRequest) async throws(JournalError) -> FireEndResult
    /// Refreshes the heartbeat of `replica`'s running fires; the fires still its own.
    func heartbeatFires(schedule: String, replica: String) async throws(JournalError) -> [FireKey]
    /// Takes over a job's fires whose heartbeat is older than `staleAfter`.
    func takeOverStaleFires(
        schedule: String, job: String, replica: String, definitionHash: String, staleAfter: Duration
    ) async throws(JournalError) -> [FireTakeover]
    /// Stores the job's definition hash; the one it replaced when different.
    func registerDefinition(schedule: String, job: String, definitionHash: String) async throws(JournalError) -> String?
    /// Moves a job's `scheduled_through` forward (never back), making its row when missing.
    func advanceScheduledThrough(schedule: String, job: String, to date: Date) async throws(JournalError)
    /// Un-pauses a job and clears its failure count in one statement, under the job's lock; false when the job
    /// has no row or was not paused.
    func resumeJob(schedule: String, job: String) async throws(JournalError) -> Bool
    /// Every fire of a job, oldest first (for `cmo schedule status` and tests).
    func fires(schedule: String, job: String) async throws(JournalError) -> [FireRow]
}
