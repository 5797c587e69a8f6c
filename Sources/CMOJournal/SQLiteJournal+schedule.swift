import CMOSchedule
import GRDB

extension SQLiteJournal {
    /// What the daemon remembers of job `name` of the schedule file `schedule` (its absolute path), if anything.
    public func scheduleJob(schedule: String, name: String) throws(JournalError) -> JobRecord? {
        try read { db in
            try ScheduleJobEntry.filter(Column("schedule") == schedule && Column("name") == name).fetchOne(db)?.record
        }
    }

    /// Saves (inserts or replaces) what the daemon remembers of a job of the schedule file `schedule` (its
    /// absolute path).
    public func saveScheduleJob(_ record: JobRecord, schedule: String) async throws(JournalError) {
        try await write { db in
            try ScheduleJobEntry(schedule: schedule, record: record).save(db)
            return 0
        }
    }
}
