import CMOJournal
import CMOSchedule
import Foundation

/// The schedule daemon's per-job state, kept in the run journal (table `schedule_job`) under the schedule file's
/// absolute path, so `cmo schedule status` and a restarted daemon see it.
struct JournalScheduleStore: ScheduleStateStore {
    let journal: Journal
    /// The schedule file's absolute path: two files may have jobs of the same name.
    let schedule: String

    func load(job name: String) async throws -> JobRecord? {
        guard let entry = try journal.scheduleJob(schedule: schedule, name: name) else { return nil }
        return JobRecord(
            name: entry.name, scheduledThrough: entry.scheduledThrough, lastFireTime: entry.lastFireAt,
            lastRunID: entry.lastRunID, lastExitCode: entry.lastExitCode, lastSucceeded: entry.lastSucceeded,
            lastFinishedAt: entry.lastFinishedAt, consecutiveFailures: entry.consecutiveFailures, paused: entry.paused)
    }

    func save(_ record: JobRecord) async throws {
        try await journal.saveScheduleJob(
            ScheduleJobEntry(
                schedule: schedule, name: record.name, scheduledThrough: record.scheduledThrough,
                lastFireAt: record.lastFireTime, lastRunID: record.lastRunID, lastExitCode: record.lastExitCode,
                lastSucceeded: record.lastSucceeded, lastFinishedAt: record.lastFinishedAt,
                consecutiveFailures: record.consecutiveFailures, paused: record.paused))
    }
}
