import CMOSchedule
import Foundation
import GRDB

/// The statements SQLite's fire transactions share.
extension SQLiteJournal {
    /// Runs `body` in an immediate transaction (SQLite's write lock before the first read), outside the group
    /// committer: a fire's decision must read what the previous lock holder wrote.
    func locked<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(JournalError) -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw JournalError(.storage, "no result") }
                return result
            }
        } catch {
            throw JournalError(.storage, "cannot \(what) in the journal at \(path): \(Self.describe(error))")
        }
    }

    /// Makes the job's row if missing and reads it, the fire at `fireTime` and the job's other open fires.
    static func lockedView(_ db: Database, schedule: String, job: String, fireTime: Date?) throws -> SharedFireRules.View {
        try db.execute(
            sql: """
                INSERT INTO schedule_job (schedule, name, consecutive_failures, paused) VALUES (?, ?, 0, 0)
                ON CONFLICT DO NOTHING
                """,
            arguments: [schedule, job])
        let row = try Row.fetchOne(
            db, sql: "SELECT * FROM schedule_job WHERE schedule = ? AND name = ?", arguments: [schedule, job])
        let record = try row.map { try ScheduleJobEntry(row: $0).record } ?? JobRecord(name: job)
        let definition: String? = row?["definition_hash"]
        var existing: FireRow?
        var open: [FireRow] = []
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT fire_at, decision, run_id, replica, ended_at FROM schedule_fire
                WHERE schedule = ? AND job = ? AND (fire_at = ? OR ended_at IS NULL)
                """,
            arguments: [schedule, job, fireTime ?? Date.distantPast])
        for fire in rows.map(fireRow) {
            if let fireTime, fire.fireTime == fireTime { existing = fire } else { open.append(fire) }
        }
        return SharedFireRules.View(record: record, storedDefinition: definition, existing: existing, open: open)
    }

    static func fireRow(_ row: Row) -> FireRow {
        let ended: Date? = row["ended_at"]
        return FireRow(
            fireTime: row["fire_at"], decision: FireRow.Decision(rawValue: row["decision"]) ?? .skipped,
            runID: row["run_id"], replica: row["replica"], ended: ended != nil)
    }

    /// Writes the record the rules computed (and the definition hash, when the row had none).
    static func write(_ record: JobRecord, _ db: Database, schedule: String, definition: String?) throws {
        try ScheduleJobEntry(schedule: schedule, record: record).update(db)
        if let definition {
            try db.execute(
                sql: "UPDATE schedule_job SET definition_hash = coalesce(definition_hash, ?) WHERE schedule = ? AND name = ?",
                arguments: [definition, schedule, record.name])
        }
    }

    /// Marks queued fires dropped.
    static func drop(_ fires: [Date], _ db: Database, schedule: String, job: String, at now: Date) throws {
        for fire in fires {
            try db.execute(
                sql: "UPDATE schedule_fire SET decision = 'dropped', ended_at = ? WHERE schedule = ? AND job = ? AND fire_at = ?",
                arguments: [now, schedule, job, fire])
        }
    }
}
