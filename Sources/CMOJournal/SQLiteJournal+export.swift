import CMOSchedule
import Foundation
import GRDB

/// Reading a SQLite journal whole, page by page, in the order it was written: what `cmo journal copy` moves into a
/// PostgreSQL journal.
extension SQLiteJournal {
    /// A run's row as stored: the run, what its client counted, and its rowid (the order runs were begun in).
    struct ExportedRun: Sendable {
        var rowID: Int64
        var run: RunEntry
        var api: RunAPICounts?
        /// How many changes the run has.
        var changeCount: Int
    }

    /// How many runs, changes and schedule job records the journal holds.
    func exportCounts() throws(JournalError) -> (runs: Int, changes: Int, scheduleJobs: Int) {
        try read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM schedule_job") ?? 0
            )
        }
    }

    /// The runs whose rowid is above `rowID`, in rowid order, at most `limit`, each with its change count.
    func exportRuns(after rowID: Int64, limit: Int) throws(JournalError) -> [ExportedRun] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid AS export_rowid, run.*,
                        (SELECT COUNT(*) FROM change WHERE change.run_id = run.id) AS export_changes
                    FROM run WHERE rowid > ? ORDER BY rowid LIMIT ?
                    """,
                arguments: [rowID, limit])
            return try rows.map { row in
                ExportedRun(
                    rowID: row["export_rowid"], run: try RunEntry(row: row), api: RunAPICounts(row: row),
                    changeCount: row["export_changes"])
            }
        }
    }

    /// The changes of runs `runIDs` whose id is above `id`, in id order, at most `limit`.
    func exportChanges(ofRuns runIDs: [String], after id: Int64, limit: Int) throws(JournalError) -> [ChangeEntry] {
        guard !runIDs.isEmpty else { return [] }
        return try read { db in
            try ChangeEntry.filter(runIDs.contains(Column("run_id")) && Column("id") > id).order(Column("id"))
                .limit(limit).fetchAll(db)
        }
    }

    /// A schedule job's row: its file, its record and the hash of its definition (schema v3; nil before).
    struct ExportedScheduleJob: Sendable {
        var schedule: String
        var record: JobRecord
        var definitionHash: String?
    }

    /// Every schedule job record, with the schedule file it belongs to.
    func exportScheduleJobs() throws(JournalError) -> [ExportedScheduleJob] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM schedule_job ORDER BY schedule, name").map { row in
                let entry = try ScheduleJobEntry(row: row)
                let hash: String? = row.hasColumn("definition_hash") ? row["definition_hash"] : nil
                return ExportedScheduleJob(schedule: entry.schedule, record: entry.record, definitionHash: hash)
            }
        }
    }

    /// The schema version: how many of the migrations are applied (0: a new file).
    public func schemaVersion() throws(JournalError) -> Int {
        try read { db in try JournalSchema.migrator.appliedIdentifiers(db).count }
    }

    /// The schema version of the journal file at `path` without opening it for writing or migrating it (0: no file,
    /// or no cmo tables yet).
    public static func schemaVersion(atPath path: String) throws(JournalError) -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in try JournalSchema.migrator.appliedIdentifiers(db).count }
        } catch {
            throw JournalError(.unavailable, "cannot read the journal at \(path): \(describe(error))")
        }
    }

    /// The newest schema version this build knows.
    public static var latestSchemaVersion: Int { JournalSchema.migrator.migrations.count }
}
