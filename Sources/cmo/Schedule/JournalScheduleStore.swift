import CMOJournal
import CMOSchedule

/// The schedule daemon's per-job state, kept in the run journal (table `schedule_job`) under the schedule file's
/// absolute path, so `cmo schedule status` and a restarted daemon see it.
struct JournalScheduleStore: ScheduleStateStore {
    let journal: any Journal
    /// The schedule file's absolute path: two files may have jobs of the same name.
    let schedule: String

    func load(job name: String) async throws -> JobRecord? {
        try await journal.scheduleJob(schedule: schedule, name: name)
    }

    func save(_ record: JobRecord) async throws {
        try await journal.saveScheduleJob(record, schedule: schedule)
    }
}
