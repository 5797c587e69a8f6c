import CMOSchedule
import Foundation
import PostgresNIO

extension PostgresJournal {
    public func scheduleJob(schedule: String, name: String) async throws(JournalError) -> JobRecord? {
        try await rows("read a job's record") { connection in
            try await connection.query("""
                SELECT name, scheduled_through, last_fire_at, last_run_id, last_exit_code, last_succeeded,
                    last_finished_at, consecutive_failures, paused
                FROM schedule_job WHERE schedule = \(schedule) AND name = \(name)
                """, logger: self.logger)
        } map: { row in
            let cells = row.makeRandomAccess()
            return JobRecord(
                name: try cells["name"].decode(String.self),
                scheduledThrough: try cells["scheduled_through"].decode(Date?.self),
                lastFireTime: try cells["last_fire_at"].decode(Date?.self),
                lastRunID: try cells["last_run_id"].decode(String?.self),
                lastExitCode: try cells["last_exit_code"].decode(Int32?.self),
                lastSucceeded: try cells["last_succeeded"].decode(Bool?.self),
                lastFinishedAt: try cells["last_finished_at"].decode(Date?.self),
                consecutiveFailures: try cells["consecutive_failures"].decode(Int.self),
                paused: try cells["paused"].decode(Bool.self))
        }.first
    }

    public func saveScheduleJob(_ record: JobRecord, schedule: String) async throws(JournalError) {
        let exitCode = record.lastExitCode.map(Int.init)
        _ = try await rows("save a job's record") { connection in
            try await connection.query("""
                INSERT INTO schedule_job (schedule, name, scheduled_through, last_fire_at, last_run_id, last_exit_code,
                    last_succeeded, last_finished_at, consecutive_failures, paused)
                VALUES (\(schedule), \(record.name), \(record.scheduledThrough), \(record.lastFireTime),
                    \(record.lastRunID), \(exitCode), \(record.lastSucceeded), \(record.lastFinishedAt),
                    \(record.consecutiveFailures), \(record.paused))
                ON CONFLICT (schedule, name) DO UPDATE SET scheduled_through = excluded.scheduled_through,
                    last_fire_at = excluded.last_fire_at, last_run_id = excluded.last_run_id,
                    last_exit_code = excluded.last_exit_code, last_succeeded = excluded.last_succeeded,
                    last_finished_at = excluded.last_finished_at, consecutive_failures = excluded.consecutive_failures,
                    paused = excluded.paused
                """, logger: self.logger)
        } map: { _ in () }
    }
}
