import CMOSchedule
import Foundation
import GRDB

/// A row of table `schedule_job`: the schedule daemon's ``JobRecord`` of one job, keyed by the schedule file's
/// absolute path and the job's name (two files may have jobs of the same name).
///
/// The fields are the scheduler's own type; this only says which column holds each.
struct ScheduleJobEntry: FetchableRecord, PersistableRecord {
    static let databaseTableName = "schedule_job"

    var schedule: String
    var record: JobRecord

    init(schedule: String, record: JobRecord) {
        self.schedule = schedule
        self.record = record
    }

    init(row: Row) throws {
        schedule = row["schedule"]
        record = JobRecord(
            name: row["name"], scheduledThrough: row["scheduled_through"], lastFireTime: row["last_fire_at"],
            lastRunID: row["last_run_id"], lastExitCode: row["last_exit_code"], lastSucceeded: row["last_succeeded"],
            lastFinishedAt: row["last_finished_at"], consecutiveFailures: row["consecutive_failures"],
            paused: row["paused"])
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["schedule"] = schedule
        container["name"] = record.name
        container["scheduled_through"] = record.scheduledThrough
        container["last_fire_at"] = record.lastFireTime
        container["last_run_id"] = record.lastRunID
        container["last_exit_code"] = record.lastExitCode
        container["last_succeeded"] = record.lastSucceeded
        container["last_finished_at"] = record.lastFinishedAt
        container["consecutive_failures"] = record.consecutiveFailures
        container["paused"] = record.paused
    }
}
