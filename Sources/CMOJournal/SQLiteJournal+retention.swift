import Foundation
import GRDB

extension SQLiteJournal {
    /// Removes the runs that ended before `cut`, with their changes, in one transaction.
    ///
    /// The unit is a chain of resumed runs (one `root_id`): a resume reads its whole chain, so a chain goes whole or
    /// not at all. It goes when every run in it has ended, the last of them before `cut`, and none of its changes is
    /// open (`intent` or `accepted`: a request whose outcome nobody knows yet, which `cmo run --resume` would
    /// settle). A run without an end (still running, or its process died) keeps its chain. Schedule state is kept.
    ///
    /// - Parameter dryRun: count only; nothing is removed.
    @discardableResult
    public func prune(endedBefore cut: Date, dryRun: Bool = false) async throws(JournalError) -> JournalPruneResult {
        let cutText = JournalDate.text(cut)
        do {
            if dryRun {
                return try await pool.read { db in try Self.prune(db, cut: cutText, delete: false) }
            }
            return try await pool.write { db in try Self.prune(db, cut: cutText, delete: true) }
        } catch {
            throw JournalError(.storage, "cannot prune the journal at \(path): \(Self.describe(error))")
        }
    }

    /// The chains that may go, as SQL (one `root_id` column).
    private static let prunableRoots = """
        SELECT root_id FROM run GROUP BY root_id
        HAVING SUM(ended_at IS NULL) = 0 AND MAX(ended_at) < :cut
           AND root_id NOT IN (SELECT root_id FROM change WHERE state IN ('intent', 'accepted'))
        """

    private static func prune(_ db: Database, cut: String, delete: Bool) throws -> JournalPruneResult {
        let arguments: StatementArguments = ["cut": cut]
        let old = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM run WHERE COALESCE(ended_at, started_at) < :cut", arguments: arguments) ?? 0
        let runs = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM run WHERE root_id IN (\(prunableRoots))", arguments: arguments) ?? 0
        let changes = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM change WHERE root_id IN (\(prunableRoots))", arguments: arguments) ?? 0
        if delete {
            try db.execute(sql: "CREATE TEMP TABLE prune_root AS \(prunableRoots)", arguments: arguments)
            try db.execute(sql: "DELETE FROM change WHERE root_id IN (SELECT root_id FROM prune_root)")
            try db.execute(sql: "DELETE FROM run WHERE root_id IN (SELECT root_id FROM prune_root)")
            try db.execute(sql: "DROP TABLE prune_root")
        }
        return JournalPruneResult(runs: runs, changes: changes, kept: max(old - runs, 0))
    }
}
