import CMOSchedule
import Foundation
import Logging
import PostgresNIO

/// The statements the fire transactions share.
extension PostgresJournal {
    /// Makes the job's row if missing, locks it (`FOR UPDATE`), and then, in separate statements that see what the
    /// lock's previous holder committed, reads the fire at `fireTime` and the job's other open fires.
    static func lockedView(
        _ connection: PostgresConnection, schedule: String, job: String, fireTime: Date?, logger: Logger
    ) async throws -> SharedFireRules.View {
        try await connection.query(
            "INSERT INTO schedule_job (schedule, name) VALUES (\(schedule), \(job)) ON CONFLICT DO NOTHING", logger: logger)
        var record = JobRecord(name: job)
        var definition: String?
        for try await row in try await connection.query("""
            SELECT scheduled_through, last_fire_at, last_run_id, last_exit_code, last_succeeded, last_finished_at,
                consecutive_failures, paused, definition_hash
            FROM schedule_job WHERE schedule = \(schedule) AND name = \(job) FOR UPDATE
            """, logger: logger) {
            let cells = row.makeRandomAccess()
            record.scheduledThrough = try cells["scheduled_through"].decode(Date?.self)
            record.lastFireTime = try cells["last_fire_at"].decode(Date?.self)
            record.lastRunID = try cells["last_run_id"].decode(String?.self)
            record.lastExitCode = try cells["last_exit_code"].decode(Int32?.self)
            record.lastSucceeded = try cells["last_succeeded"].decode(Bool?.self)
            record.lastFinishedAt = try cells["last_finished_at"].decode(Date?.self)
            record.consecutiveFailures = try cells["consecutive_failures"].decode(Int.self)
            record.paused = try cells["paused"].decode(Bool.self)
            definition = try cells["definition_hash"].decode(String?.self)
        }
        var existing: FireRow?
        var open: [FireRow] = []
        let at = fireTime ?? .distantPast
        for try await (time, decision, runID, replica, ended) in try await connection.query("""
            SELECT fire_at, decision, run_id, replica, ended_at IS NOT NULL FROM schedule_fire
            WHERE schedule = \(schedule) AND job = \(job) AND (fire_at = \(at) OR ended_at IS NULL)
            """, logger: logger).decode((Date, String, String?, String, Bool).self) {
            let row = FireRow(
                fireTime: time, decision: FireRow.Decision(rawValue: decision) ?? .skipped, runID: runID, replica: replica,
                ended: ended)
            if fireTime != nil, time == at { existing = row } else { open.append(row) }
        }
        return SharedFireRules.View(record: record, storedDefinition: definition, existing: existing, open: open)
    }

    /// Writes the record the rules computed (and the definition hash, when the row had none).
    static func write(
        _ record: JobRecord, _ connection: PostgresConnection, schedule: String, definition: String?, logger: Logger
    ) async throws {
        let exitCode = record.lastExitCode.map(Int.init)
        try await connection.query("""
            UPDATE schedule_job SET scheduled_through = \(record.scheduledThrough), last_fire_at = \(record.lastFireTime),
                last_run_id = \(record.lastRunID), last_exit_code = \(exitCode), last_succeeded = \(record.lastSucceeded),
                last_finished_at = \(record.lastFinishedAt), consecutive_failures = \(record.consecutiveFailures),
                paused = \(record.paused), definition_hash = coalesce(definition_hash, \(definition))
            WHERE schedule = \(schedule) AND name = \(record.name)
            """, logger: logger)
    }

    /// Marks queued fires dropped.
    static func drop(_ fires: [Date], _ connection: PostgresConnection, schedule: String, job: String, logger: Logger) async throws {
        for fire in fires {
            try await connection.query("""
                UPDATE schedule_fire SET decision = 'dropped', ended_at = clock_timestamp()
                WHERE schedule = \(schedule) AND job = \(job) AND fire_at = \(fire)
                """, logger: logger)
        }
    }
}
