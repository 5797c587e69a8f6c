import Foundation
import PostgresNIO

/// Distributed runs (issue 16) in the PostgreSQL journal: a run's items cut into shards, each claimed by one worker
/// at a time with a lease (`FOR UPDATE SKIP LOCKED`, the epoch growing with every claim), renewed while held,
/// taken over once its lease and a grace have run out, and ended at its epoch. An intent is written only while
/// its writer still holds the shard at its epoch (``insertFenced(_:fence:worker:)``). Every claim, renewal,
/// refusal, fencing and release is recorded in `dist_lease_event`, for the audit.
extension PostgresJournal {
    /// Stores run `runID`'s items (one per product id: a repeated id keeps its first item, so shards never
    /// overlap) cut into shards of `shardSize` in their order; returns how many shards. The run must be begun.
    @discardableResult
    public func createDistributedRun(
        runID: String, items: [(productID: String, item: String)], shardSize: Int,
        plan: DistributedRunPlan = DistributedRunPlan()
    ) async throws(JournalError) -> Int {
        var seen = Set<String>()
        let unique = items.filter { seen.insert($0.productID).inserted }
        let size = max(1, shardSize)
        let shards = (unique.count + size - 1) / size
        try await transaction("store a distributed run's items") { [logger] connection in
            try await connection.query("""
                INSERT INTO dist_run (run_id, shard_size, shards, items, script_name, script, settings, max_changes)
                VALUES (\(runID), \(size), \(shards), \(unique.count), \(plan.scriptName), \(plan.script),
                    \(plan.settings), \(plan.maxChanges))
                """, logger: logger)
            for start in stride(from: 0, to: unique.count, by: 10_000) {
                let batch = unique[start..<min(start + 10_000, unique.count)]
                let positions = Array(batch.indices)
                try await connection.query("""
                    INSERT INTO dist_item (run_id, product_id, shard, position, item)
                    SELECT \(runID), product_id, position / \(size), position, item
                    FROM unnest(\(batch.map(\.productID))::text[], \(positions)::integer[], \(batch.map(\.item))::text[])
                        AS batch (product_id, position, item)
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO dist_shard (run_id, shard) SELECT \(runID), generate_series(0, \(shards) - 1)
                """, logger: logger)
        }
        return shards
    }

    /// Claims a shard for `worker` (of run `runID`, or of any distributed run not told to stop): a pending one,
    /// else one whose lease ran out more than `grace` ago (longer than the API's timeout, so the last request
    /// of its previous holder has ended). Nil when there is none to take now.
    public func claimShard(
        runID: String?, worker: String, lease: Duration, grace: Duration
    ) async throws(JournalError) -> ShardClaim? {
        let graceMicroseconds = grace.wholeMicroseconds
        let leaseMicroseconds = lease.wholeMicroseconds
        return try await transaction("claim a shard") { [logger] connection -> ShardClaim? in
            // The lock first, then the claim as separate statements, which read the row as it is once locked.
            var candidate: (String, Int, String, String?)?
            for try await row in try await connection.query("""
                SELECT s.run_id, s.shard, s.state, s.owner FROM dist_shard s JOIN dist_run r USING (run_id)
                WHERE (\(runID)::text IS NULL OR s.run_id = \(runID)) AND NOT r.stop_requested
                  AND (s.state = 'pending'
                       OR (s.state = 'leased'
                           AND s.lease_until + \(graceMicroseconds) * interval '1 microsecond' < clock_timestamp()))
                ORDER BY s.run_id, s.shard LIMIT 1
                FOR UPDATE OF s SKIP LOCKED
                """, logger: logger).decode((String, Int, String, String?).self) {
                candidate = row
            }
            guard let (run, shard, state, owner) = candidate else { return nil }
            var epoch: Int64 = 0
            for try await value in try await connection.query("""
                UPDATE dist_shard SET state = 'leased', owner = \(worker), epoch = epoch + 1,
                    lease_until = clock_timestamp() + \(leaseMicroseconds) * interval '1 microsecond'
                WHERE run_id = \(run) AND shard = \(shard)
                RETURNING epoch
                """, logger: logger).decode(Int64.self) {
                epoch = value
            }
            let tookOver = state == ShardRow.State.leased.rawValue
            let event = tookOver ? ShardLeaseEvent.Kind.tookOver : .claimed
            try await Self.record(event, run: run, shard: shard, epoch: epoch, worker: worker, on: connection, logger: logger)
            return ShardClaim(
                fence: ShardFence(runID: run, shard: shard, epoch: epoch), tookOver: tookOver,
                previousOwner: tookOver ? owner : nil)
        }
    }

    /// Renews `worker`'s lease of `fence`'s shard for `lease` from the server's now; false (and nothing renewed)
    /// when the shard has moved to a later epoch or ended.
    public func renewLease(_ fence: ShardFence, worker: String, lease: Duration) async throws(JournalError) -> Bool {
        let leaseMicroseconds = lease.wholeMicroseconds
        return try await transaction("renew a shard's lease") { [logger] connection in
            let renewed = try await Self.returnsRow("""
                UPDATE dist_shard SET lease_until = clock_timestamp() + \(leaseMicroseconds) * interval '1 microsecond'
                WHERE run_id = \(fence.runID) AND shard = \(fence.shard) AND epoch = \(fence.epoch)
                  AND state = 'leased' AND owner = \(worker)
                RETURNING shard
                """, on: connection, logger: logger)
            try await Self.record(
                renewed ? .renewed : .refused, run: fence.runID, shard: fence.shard, epoch: fence.epoch, worker: worker,
                on: connection, logger: logger)
            return renewed
        }
    }

    /// Ends `fence`'s shard with its change counts; false when the shard has moved to a later epoch (another
    /// worker holds it now and will end it) or its lease ran out (another may take it over: it resumes it).
    ///
    /// `ended` and `failed` (changes that ended `changed` or `failed`, and the failed ones) are added to the run's
    /// totals, which the failure-rate guard reads across workers; `error` is a script error that ended the shard.
    public func finishShard(
        _ fence: ShardFence, worker: String, counts: [String: Int], ended: Int = 0, failed: Int = 0,
        error: String? = nil
    ) async throws(JournalError) -> Bool {
        let countsText = (try? JournalJSON.text(counts)) ?? "{}"
        return try await transaction("end a shard") { [logger] connection in
            let done = try await Self.returnsRow("""
                UPDATE dist_shard SET state = 'done', lease_until = NULL, counts = \(countsText), error = \(error)
                WHERE run_id = \(fence.runID) AND shard = \(fence.shard) AND epoch = \(fence.epoch) AND state = 'leased'
                  AND lease_until > clock_timestamp()
                RETURNING shard
                """, on: connection, logger: logger)
            guard done else { return false }
            try await connection.query("""
                UPDATE dist_run SET changes_ended = changes_ended + \(ended), changes_failed = changes_failed + \(failed)
                WHERE run_id = \(fence.runID)
                """, logger: logger)
            try await Self.record(
                .released, run: fence.runID, shard: fence.shard, epoch: fence.epoch, worker: worker, on: connection,
                logger: logger)
            return true
        }
    }

    /// Gives `fence`'s shard back unfinished (its worker was told to stop): pending again, for a later claim,
    /// which resumes it (open intents read first). False when the shard had already moved on.
    @discardableResult
    public func returnShard(_ fence: ShardFence, worker: String) async throws(JournalError) -> Bool {
        try await transaction("give a shard back") { [logger] connection in
            let returned = try await Self.returnsRow("""
                UPDATE dist_shard SET state = 'pending', owner = NULL, lease_until = NULL
                WHERE run_id = \(fence.runID) AND shard = \(fence.shard) AND epoch = \(fence.epoch) AND state = 'leased'
                RETURNING shard
                """, on: connection, logger: logger)
            if returned {
                try await Self.record(
                    .returned, run: fence.runID, shard: fence.shard, epoch: fence.epoch, worker: worker, on: connection,
                    logger: logger)
            }
            return returned
        }
    }

    /// Records `change`'s intent only while `fence` still holds its shard: the shard's row is locked `FOR SHARE`
    /// and checked (its epoch, its lease not run out by the server's clock) in the intent's transaction.
    ///
    /// - Throws: ``JournalError/Code/fenced`` (nothing written but the audit's event) when it does not.
    /// With `maxChanges` (the run's `--max-changes`), the intent is also counted in the run's row, and refused
    /// (``JournalError/Code/limitReached``) once that many were written by all workers together.
    public func insertFenced(
        _ change: ChangeEntry, fence: ShardFence, worker: String, maxChanges: Int? = nil
    ) async throws(JournalError) -> ChangeEntry {
        let outcome = try await transaction("record a change's intent") { [logger] connection -> FencedInsert in
            let held = try await Self.returnsRow("""
                SELECT shard FROM dist_shard
                WHERE run_id = \(fence.runID) AND shard = \(fence.shard) AND epoch = \(fence.epoch)
                  AND state = 'leased' AND lease_until > clock_timestamp()
                FOR SHARE
                """, on: connection, logger: logger)
            guard held else {
                try await Self.record(
                    .fenced, run: fence.runID, shard: fence.shard, epoch: fence.epoch, worker: worker, on: connection,
                    logger: logger)
                return .fenced
            }
            // `--max-changes` counts across the run's workers: one row, incremented with each intent (only when
            // there is a limit: the row would otherwise serialize every worker's intents for nothing).
            if let maxChanges {
                let counted = try await Self.returnsRow("""
                    UPDATE dist_run SET changes_started = changes_started + 1
                    WHERE run_id = \(fence.runID) AND changes_started < \(maxChanges)
                    RETURNING run_id
                    """, on: connection, logger: logger)
                if !counted { return .limitReached(maxChanges) }
            }
            let query = Self.insertQuery(change, writer: (shard: fence.shard, epoch: fence.epoch, worker: worker))
            for try await value in try await connection.query(query, logger: logger).decode(Int64.self) {
                return .inserted(value)
            }
            return .fenced
        }
        let id: Int64
        switch outcome {
        case .inserted(let value):
            id = value
        case .fenced:
            throw JournalError(
                .fenced,
                "shard \(fence.shard) of run \(fence.runID) is no longer held at epoch \(fence.epoch): intent not written")
        case .limitReached(let limit):
            throw JournalError(
                .limitReached, "--max-changes \(limit) reached across the run's workers: the run stopped before change \(limit + 1)")
        }
        var inserted = change
        inserted.id = id
        return inserted
    }

    /// The items of `fence`'s shard, in the plan's order.
    public func shardItems(_ fence: ShardFence) async throws(JournalError) -> [String] {
        try await rows("read a shard's items") { connection in
            try await connection.query("""
                SELECT item FROM dist_item WHERE run_id = \(fence.runID) AND shard = \(fence.shard) ORDER BY position
                """, logger: self.logger)
        } map: { row in try row.decode(String.self) }
    }

    /// Run `runID`'s shards, in order.
    public func shards(runID: String) async throws(JournalError) -> [ShardRow] {
        try await rows("read a distributed run's shards") { connection in
            try await connection.query("""
                SELECT s.shard, s.state, s.owner, s.epoch, s.counts, s.error,
                    s.state = 'leased' AND s.lease_until > clock_timestamp(),
                    (SELECT count(*) FROM dist_item i WHERE i.run_id = s.run_id AND i.shard = s.shard)
                FROM dist_shard s WHERE s.run_id = \(runID) ORDER BY s.shard
                """, logger: self.logger)
        } map: { row in
            let (shard, state, owner, epoch, counts, error, running, items) =
                try row.decode((Int, String, String?, Int64, String, String?, Bool, Int64).self)
            return ShardRow(
                shard: shard, state: ShardRow.State(rawValue: state) ?? .pending, owner: owner, epoch: epoch,
                items: Int(items), counts: (try? JSONDecoder().decode([String: Int].self, from: Data(counts.utf8))) ?? [:],
                error: error, leaseRunning: running)
        }
    }

    /// Run `runID`'s lease events, oldest first.
    public func leaseEvents(runID: String) async throws(JournalError) -> [ShardLeaseEvent] {
        try await rows("read a distributed run's lease events") { connection in
            try await connection.query("""
                SELECT shard, epoch, worker, event, at FROM dist_lease_event WHERE run_id = \(runID) ORDER BY id
                """, logger: self.logger)
        } map: { row in
            let (shard, epoch, worker, event, at) = try row.decode((Int, Int64, String, String, Date).self)
            return ShardLeaseEvent(
                shard: shard, epoch: epoch, worker: worker, kind: ShardLeaseEvent.Kind(rawValue: event) ?? .claimed, at: at)
        }
    }

    /// Tells run `runID`'s workers to stop (`reason` says why, the first one given stays): no shard of it is
    /// claimed from now on, and workers holding one give it back at their next look.
    public func requestStop(runID: String, reason: String = "stopped") async throws(JournalError) {
        _ = try await rows("stop a distributed run") { connection in
            try await connection.query("""
                UPDATE dist_run SET stop_requested = true, stop_reason = coalesce(stop_reason, \(reason))
                WHERE run_id = \(runID) RETURNING run_id
                """, logger: self.logger)
        } map: { _ in () }
    }

    /// Lets a stopped run's shards be claimed again (`cmo run --resume RUN_ID --distributed`).
    public func clearStop(runID: String) async throws(JournalError) {
        _ = try await rows("resume a distributed run") { connection in
            try await connection.query("""
                UPDATE dist_run SET stop_requested = false, stop_reason = NULL WHERE run_id = \(runID) RETURNING run_id
                """, logger: self.logger)
        } map: { _ in () }
    }

    /// Run `runID` as its workers need it (its script and settings) and its run-wide totals; nil when it is not a
    /// distributed run.
    public func distributedRun(_ runID: String) async throws(JournalError) -> DistributedRunRecord? {
        try await rows("read a distributed run") { connection in
            try await connection.query("""
                SELECT script_name, script, settings, max_changes, shard_size, shards, items, stop_requested, stop_reason,
                    changes_started, changes_ended, changes_failed
                FROM dist_run WHERE run_id = \(runID)
                """, logger: self.logger)
        } map: { row in
            let (name, script, settings, maxChanges, shardSize, shards, items, stop, reason, started, ended, failed) =
                try row.decode((String, String, String, Int?, Int, Int, Int, Bool, String?, Int, Int, Int).self)
            return DistributedRunRecord(
                runID: runID, plan: DistributedRunPlan(scriptName: name, script: script, settings: settings, maxChanges: maxChanges),
                shardSize: shardSize, shards: shards, items: items, stopReason: stop ? reason ?? "stopped" : nil,
                changesStarted: started, changesEnded: ended, changesFailed: failed)
        }.first
    }

    /// The distributed runs whose shards are not all done and that are not told to stop, oldest first (what a
    /// `cmo worker` without `--run` serves).
    public func openDistributedRuns() async throws(JournalError) -> [String] {
        try await rows("list the open distributed runs") { connection in
            try await connection.query("""
                SELECT r.run_id FROM dist_run r
                WHERE NOT r.stop_requested AND EXISTS (SELECT 1 FROM dist_shard s WHERE s.run_id = r.run_id AND s.state <> 'done')
                ORDER BY r.created_at
                """, logger: self.logger)
        } map: { row in try row.decode(String.self) }
    }

    /// What a fenced insert's transaction came to.
    private enum FencedInsert: Sendable {
        case inserted(Int64)
        case fenced
        case limitReached(Int)
    }

    private static func record(
        _ event: ShardLeaseEvent.Kind, run: String, shard: Int, epoch: Int64, worker: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query("""
            INSERT INTO dist_lease_event (run_id, shard, epoch, worker, event)
            VALUES (\(run), \(shard), \(epoch), \(worker), \(event.rawValue))
            """, logger: logger)
    }

    /// Whether `query` gives at least one row.
    private static func returnsRow(
        _ query: PostgresQuery, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        for try await _ in try await connection.query(query, logger: logger) { return true }
        return false
    }
}
