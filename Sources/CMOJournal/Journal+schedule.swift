import GRDB

extension Journal {
    /// What the daemon remembers of job `name` of the schedule file `schedule`, if anything.
    public func scheduleJob(schedule: String, name: String) throws(JournalError) -> ScheduleJobEntry? {
        try read { db in
            try ScheduleJobEntry.filter(Column("schedule") == schedule && Column("name") == name).fetchOne(db)
        }
    }

    /// Saves (inserts or replaces) what the daemon remembers of a job.
    public func saveScheduleJob(_ entry: ScheduleJobEntry) async throws(JournalError) {
        try await write { db in
            try entry.save(db)
            return 0
        }
    }
}
