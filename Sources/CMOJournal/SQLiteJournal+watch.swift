import Foundation
import GRDB

/// The reads behind `cmo schedule --listen`: runs by row for `/metrics`, a cheap probe for `/readyz`, and one
/// run's changes with the failures first for the status page.
extension SQLiteJournal {
    private static let tallyColumns = """
        rowid, id, job, started_at, ended_at, exit_code, counts, api_requests, api_retries, api_rate_limited,
        api_token_fetches
        """

    /// The runs whose rowid is above `rowID`, in rowid order, at most `limit`.
    public func runTallies(after rowID: Int64, limit: Int) throws(JournalError) -> [RunTally] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.tallyColumns) FROM run WHERE rowid > ? ORDER BY rowid LIMIT ?",
                arguments: [rowID, limit]
            ).map(Self.tallyReader())
        }
    }

    /// The runs with these rowids (those a watcher saw unfinished), in rowid order; rows deleted since are missing.
    public func runTallies(rowIDs: [Int64]) throws(JournalError) -> [RunTally] {
        guard !rowIDs.isEmpty else { return [] }
        return try read { db in
            let marks = Array(repeating: "?", count: rowIDs.count).joined(separator: ", ")
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.tallyColumns) FROM run WHERE rowid IN (\(marks)) ORDER BY rowid",
                arguments: StatementArguments(rowIDs)
            ).map(Self.tallyReader())
        }
    }

    /// Reads both tables the daemon's window reads; throws when the journal cannot be read (`/readyz` says 503).
    public func probe() throws(JournalError) {
        try read { db in
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM run LIMIT 1)")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM schedule_job LIMIT 1)")
        }
    }

    /// Run `runID`'s changes, failures first (`failed`, `refused`), then the open ones (`intent`, `accepted`), then
    /// the rest, each group in the order written; at most `limit`, with how many the run has in all.
    public func changesFailuresFirst(ofRun runID: String, limit: Int) throws(JournalError) -> (changes: [ChangeEntry], total: Int) {
        try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change WHERE run_id = ?", arguments: [runID]) ?? 0
            let changes = try ChangeEntry.fetchAll(
                db,
                sql: """
                    SELECT * FROM change WHERE run_id = ?
                    ORDER BY CASE state WHEN 'failed' THEN 0 WHEN 'refused' THEN 0 WHEN 'intent' THEN 1
                    WHEN 'accepted' THEN 1 ELSE 2 END, id LIMIT ?
                    """,
                arguments: [runID, limit])
            return (changes, total)
        }
    }

    /// Reads rows of ``tallyColumns`` into tallies, with one JSON decoder for them all.
    private static func tallyReader() -> (Row) throws -> RunTally {
        let decoder = JSONDecoder()
        return { row in try tally(row, decoder: decoder) }
    }

    private static func tally(_ row: Row, decoder: JSONDecoder) throws -> RunTally {
        let countsText: String = row["counts"]
        let counts = (try? decoder.decode([String: Int].self, from: Data(countsText.utf8))) ?? [:]
        return RunTally(
            rowID: row["rowid"], id: row["id"], job: row["job"], startedAt: row["started_at"], endedAt: row["ended_at"],
            exitCode: row["exit_code"], counts: counts, api: RunAPICounts(row: row))
    }
}
