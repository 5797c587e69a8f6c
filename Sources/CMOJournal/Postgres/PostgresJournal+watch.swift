import Foundation
import PostgresNIO

extension PostgresJournal {
    public func runTallies(after rowID: Int64, limit: Int) async throws(JournalError) -> [RunTally] {
        let decoder = JSONDecoder()
        return try await rows("read the runs' tallies") { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresRows.tallyColumns) FROM run WHERE seq > \(rowID) ORDER BY seq LIMIT \(limit)",
                logger: self.logger)
        } map: { try PostgresRows.tally($0, decoder: decoder) }
    }

    public func runTallies(rowIDs: [Int64]) async throws(JournalError) -> [RunTally] {
        guard !rowIDs.isEmpty else { return [] }
        let decoder = JSONDecoder()
        return try await rows("read the runs' tallies") { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresRows.tallyColumns) FROM run WHERE seq = ANY(\(rowIDs)) ORDER BY seq",
                logger: self.logger)
        } map: { try PostgresRows.tally($0, decoder: decoder) }
    }

    public func probe() async throws(JournalError) {
        _ = try await rows("probe the journal") { connection in
            try await connection.query(
                "SELECT (SELECT count(*) FROM (SELECT 1 FROM run LIMIT 1) r) + (SELECT count(*) FROM (SELECT 1 FROM schedule_job LIMIT 1) j)",
                logger: self.logger)
        } map: { row in try row.decode(Int.self) }
    }

    public func changesFailuresFirst(ofRun runID: String, limit: Int) async throws(JournalError) -> (changes: [ChangeEntry], total: Int) {
        let total = try await rows("count a run's changes") { connection in
            try await connection.query("SELECT count(*) FROM change WHERE run_id = \(runID)", logger: self.logger)
        } map: { row in try row.decode(Int.self) }.first ?? 0
        let changes = try await rows("read a run's changes") { connection in
            try await connection.query("""
                SELECT \(unescaped: PostgresRows.changeColumns) FROM change WHERE run_id = \(runID)
                ORDER BY CASE state WHEN 'failed' THEN 0 WHEN 'refused' THEN 0 WHEN 'intent' THEN 1
                    WHEN 'accepted' THEN 1 ELSE 2 END, id
                LIMIT \(limit)
                """, logger: self.logger)
        } map: { try PostgresRows.change($0) }
        return (changes, total)
    }

    /// See ``SQLiteJournal/prune(endedBefore:dryRun:)``: whole chains of resumed runs, all ended before `cut`, none
    /// with an open change; one transaction (the change rows go with their runs: ON DELETE CASCADE).
    public func prune(endedBefore cut: Date, dryRun: Bool) async throws(JournalError) -> JournalPruneResult {
        let logger = self.logger
        return try await transaction("prune the journal") { connection in
            try await connection.query("""
                CREATE TEMP TABLE prune_root ON COMMIT DROP AS
                SELECT root_id FROM run GROUP BY root_id
                HAVING bool_and(ended_at IS NOT NULL) AND max(ended_at) < \(cut)
                   AND root_id NOT IN (SELECT root_id FROM change WHERE state IN ('intent', 'accepted'))
                """, logger: logger)
            var result = JournalPruneResult(runs: 0, changes: 0, kept: 0)
            for try await (old, runs, changes) in try await connection.query("""
                SELECT (SELECT count(*) FROM run WHERE coalesce(ended_at, started_at) < \(cut)),
                    (SELECT count(*) FROM run WHERE root_id IN (SELECT root_id FROM prune_root)),
                    (SELECT count(*) FROM change WHERE root_id IN (SELECT root_id FROM prune_root))
                """, logger: logger).decode((Int, Int, Int).self) {
                result = JournalPruneResult(runs: runs, changes: changes, kept: max(old - runs, 0))
            }
            if !dryRun {
                try await connection.query(
                    "DELETE FROM run WHERE root_id IN (SELECT root_id FROM prune_root)", logger: logger)
            }
            return result
        }
    }
}
