import Foundation
import PostgresNIO

extension PostgresJournal {
    public func insert(_ change: ChangeEntry) async throws(JournalError) -> ChangeEntry {
        let ids = try await rows("record a change's intent") { connection in
            try await connection.query(Self.insertQuery(change), logger: self.logger)
        } map: { row in try row.decode(Int64.self) }
        var inserted = change
        inserted.id = ids.first
        return inserted
    }

    public func update(_ change: ChangeEntry) async throws(JournalError) {
        _ = try await rows("record a change's state") { connection in
            try await connection.query(Self.updateQuery(change), logger: self.logger)
        } map: { _ in () }
    }

    public func insertInBackground(_ change: ChangeEntry) {
        background.enqueue { journal throws(JournalError) in _ = try await journal.insert(change) }
    }

    public func updateInBackground(_ change: ChangeEntry) {
        background.enqueue { journal throws(JournalError) in try await journal.update(change) }
    }

    public func settle(monitorID: String, rootID: String, state: ChangeEntry.State, error: String?, at date: Date) {
        background.enqueue { journal throws(JournalError) in
            _ = try await journal.rows("settle the changes waiting on a monitor") { connection in
                try await connection.query("""
                    UPDATE change SET state = \(state.rawValue), error = \(error), ended_at = \(date)
                    WHERE monitor_id = \(monitorID) AND root_id = \(rootID) AND state = 'accepted'
                    """, logger: journal.logger)
            } map: { _ in () }
        }
    }

    public func sync() async throws(JournalError) {
        await background.drain()
    }

    public var failedBackgroundWrites: Int { background.failed }

    public func changes(ofRun runID: String) async throws(JournalError) -> [ChangeEntry] {
        try await rows("read a run's changes") { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresRows.changeColumns) FROM change WHERE run_id = \(runID) ORDER BY id",
                logger: self.logger)
        } map: { try PostgresRows.change($0) }
    }

    public func latestChanges(rootID: String) async throws(JournalError) -> [String: ChangeEntry] {
        let changes = try await rows("read a chain's changes") { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresRows.changeColumns) FROM change WHERE root_id = \(rootID) ORDER BY id",
                logger: self.logger)
        } map: { try PostgresRows.change($0) }
        return Self.latestByKey(changes)
    }

    /// The latest change of chain `rootID` for each change key, among those written for shard `shard` of a
    /// distributed run (what a worker resuming the shard starts from, without reading the whole run).
    public func latestChanges(rootID: String, shard: Int) async throws(JournalError) -> [String: ChangeEntry] {
        let changes = try await rows("read a shard's changes") { connection in
            try await connection.query("""
                SELECT \(unescaped: PostgresRows.changeColumns) FROM change
                WHERE root_id = \(rootID) AND dist_shard = \(shard) ORDER BY id
                """, logger: self.logger)
        } map: { try PostgresRows.change($0) }
        return Self.latestByKey(changes)
    }

    /// The last of `changes` (in id order) for each change key.
    private static func latestByKey(_ changes: [ChangeEntry]) -> [String: ChangeEntry] {
        var latest: [String: ChangeEntry] = [:]
        for change in changes { latest[change.key] = change }
        return latest
    }

    public func count(
        ofRun runID: String, state: ChangeEntry.State, async: Bool?, answered: Bool?
    ) async throws(JournalError) -> Int {
        let counted = try await rows("count a run's changes") { connection in
            try await connection.query("""
                SELECT count(*) FROM change WHERE run_id = \(runID) AND state = \(state.rawValue)
                AND (\(async)::boolean IS NULL OR async = \(async))
                AND (\(answered)::boolean IS NULL OR (http_status IS NOT NULL) = \(answered))
                """, logger: self.logger)
        } map: { row in try row.decode(Int.self) }
        return counted.first ?? 0
    }

    /// The insert of `change`; `writer` is the shard, epoch and worker of a distributed run's intent (for the
    /// audit of who wrote what under which lease).
    static func insertQuery(
        _ change: ChangeEntry, writer: (shard: Int, epoch: Int64, worker: String)? = nil
    ) -> PostgresQuery {
        """
        INSERT INTO change (run_id, root_id, key, product_id, iccid, ops, from_status, to_status, async, state,
            intent_at, sent_at, http_status, monitor_id, error, correlation_id, ended_at, dist_shard, dist_epoch,
            dist_worker)
        VALUES (\(change.runID), \(change.rootID), \(change.key), \(change.productID), \(change.iccid), \(change.ops),
            \(change.fromStatus), \(change.toStatus), \(change.async), \(change.state.rawValue), \(change.intentAt),
            \(change.sentAt), \(change.httpStatus), \(change.monitorID), \(change.error), \(change.correlationID),
            \(change.endedAt), \(writer?.shard), \(writer?.epoch), \(writer?.worker))
        RETURNING id
        """
    }

    /// The update of `change`'s row. A row that has ended is never moved back to an open state: a try that took
    /// too long (``PostgresAttempt``) is abandoned, not cancelled, and may still commit after the writes queued
    /// behind it (its retry's, and the change's end).
    private static func updateQuery(_ change: ChangeEntry) -> PostgresQuery {
        """
        UPDATE change SET from_status = \(change.fromStatus), to_status = \(change.toStatus), async = \(change.async),
            state = \(change.state.rawValue), sent_at = \(change.sentAt), http_status = \(change.httpStatus),
            monitor_id = \(change.monitorID), error = \(change.error), correlation_id = \(change.correlationID),
            ended_at = \(change.endedAt), iccid = \(change.iccid)
        WHERE id = \(change.id ?? -1)
          AND (state IN ('intent', 'accepted') OR \(change.state.rawValue) NOT IN ('intent', 'accepted'))
        """
    }
}
