import CMOSchedule
import Foundation
import PostgresNIO

/// Bulk inserts for `cmo journal copy`: runs and their changes as they were in another journal (ids, times and
/// states kept), many rows per statement, one transaction per batch.
extension PostgresJournal {
    /// Runs per `INSERT` (20 values each) and changes per `INSERT` (18 each): well under PostgreSQL's 65,535
    /// parameters of a statement.
    static let copyRowsPerStatement = (runs: 500, changes: 1_000)

    /// How many runs the journal holds.
    func runCount() async throws(JournalError) -> Int {
        try await rows("count the runs") { connection in
            try await connection.query("SELECT count(*) FROM run", logger: self.logger)
        } map: { row in try row.decode(Int.self) }.first ?? 0
    }

    /// Inserts `runs` and their changes in one transaction; the changes are read page by page from `changes`
    /// (`after` an id, in id order, an empty page at the end). With `merge`, runs the journal has already (by id)
    /// are left out with their changes, and the changes copied get new ids (the journal has its own); without, the
    /// changes keep their ids. A transaction run again after a lost connection finds its runs there and copies
    /// nothing twice (with `merge`), or fails on the first duplicate (without).
    ///
    /// - Returns: how many runs and changes were inserted, and how many runs were there already.
    func insertCopied(
        runs: [SQLiteJournal.ExportedRun], merge: Bool,
        changes: @escaping @Sendable (_ runIDs: [String], _ after: Int64) throws(JournalError) -> [ChangeEntry]
    ) async throws(JournalError) -> (runs: Int, changes: Int, skipped: Int) {
        let logger = self.logger
        return try await transaction("copy runs") { connection in
            var fresh = runs
            if merge {
                let ids = runs.map(\.run.id)
                var present = Set<String>()
                for try await id in try await connection.query(
                    "SELECT id FROM run WHERE id = ANY(\(ids))", logger: logger
                ).decode(String.self) {
                    present.insert(id)
                }
                fresh = runs.filter { !present.contains($0.run.id) }
            }
            for slice in fresh.chunks(of: Self.copyRowsPerStatement.runs) {
                try await connection.query(try Self.runInsert(slice), logger: logger)
            }
            let runIDs = fresh.map(\.run.id)
            var copied = 0
            var last: Int64 = 0
            while true {
                let page = try changes(runIDs, last)
                guard let end = page.last?.id else { break }
                for slice in page.chunks(of: Self.copyRowsPerStatement.changes) {
                    try await connection.query(try Self.changeInsert(slice, keepingIDs: !merge), logger: logger)
                }
                copied += page.count
                last = end
            }
            return (fresh.count, copied, runs.count - fresh.count)
        }
    }

    /// Moves the change ids' sequence past the largest id, so that changes written later do not collide with
    /// copied ones.
    func advanceChangeIDs() async throws(JournalError) {
        _ = try await rows("advance the change ids") { connection in
            try await connection.query(
                "SELECT setval(pg_get_serial_sequence('change', 'id'), greatest((SELECT max(id) FROM change), 1))",
                logger: self.logger)
        } map: { _ in () }
    }

    /// Inserts schedule job records the journal does not have (a record it has is kept as it is); how many were
    /// inserted.
    func insertCopied(scheduleJobs jobs: [SQLiteJournal.ExportedScheduleJob]) async throws(JournalError) -> Int {
        guard !jobs.isEmpty else { return 0 }
        let logger = self.logger
        return try await transaction("copy the schedule jobs") { connection in
            var inserted = 0
            for slice in jobs.chunks(of: 1_000) {
                var sql = """
                    INSERT INTO schedule_job (schedule, name, scheduled_through, last_fire_at, last_run_id,
                        last_exit_code, last_succeeded, last_finished_at, consecutive_failures, paused, definition_hash)
                    VALUES
                    """
                var binds = PostgresBindings(capacity: slice.count * 11)
                for (index, job) in slice.enumerated() {
                    let record = job.record
                    sql += (index == 0 ? " " : ", ") + Self.placeholders(count: 11, from: binds.count)
                    binds.append(job.schedule)
                    binds.append(record.name)
                    binds.append(record.scheduledThrough)
                    binds.append(record.lastFireTime)
                    binds.append(record.lastRunID)
                    binds.append(record.lastExitCode.map(Int.init))
                    binds.append(record.lastSucceeded)
                    binds.append(record.lastFinishedAt)
                    binds.append(record.consecutiveFailures)
                    binds.append(record.paused)
                    binds.append(job.definitionHash)
                }
                sql += " ON CONFLICT (schedule, name) DO NOTHING RETURNING 1"
                for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                    inserted += 1
                }
            }
            return inserted
        }
    }

    /// One `INSERT` of `runs` with their counters; `seq` numbers them in the order given.
    private static func runInsert(_ runs: ArraySlice<SQLiteJournal.ExportedRun>) throws -> PostgresQuery {
        var sql = """
            INSERT INTO run (id, root_id, resumed_from, script_path, script_hash, vars, inputs, dry_run, job, started_at,
                ended_at, exit_code, stop_reason, counts, pid, api_requests, api_retries, api_rate_limited,
                api_token_fetches) VALUES
            """
        var binds = PostgresBindings(capacity: runs.count * 19)
        for (index, exported) in runs.enumerated() {
            let run = exported.run
            sql += (index == 0 ? " " : ", ") + placeholders(count: 19, from: binds.count)
            binds.append(run.id)
            binds.append(run.rootID)
            binds.append(run.resumedFrom)
            binds.append(run.scriptPath)
            binds.append(run.scriptHash)
            binds.append(try JournalJSON.text(run.vars))
            binds.append(try JournalJSON.text(run.inputs))
            binds.append(run.dryRun)
            binds.append(run.job)
            binds.append(run.startedAt)
            binds.append(run.endedAt)
            binds.append(run.exitCode.map(Int.init))
            binds.append(run.stopReason)
            binds.append(try JournalJSON.text(run.counts))
            binds.append(Int(run.pid))
            binds.append(exported.api?.requests)
            binds.append(exported.api?.retries)
            binds.append(exported.api?.rateLimited)
            binds.append(exported.api?.tokenFetches)
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// One `INSERT` of `changes`, with their ids or with new ones.
    private static func changeInsert(_ changes: ArraySlice<ChangeEntry>, keepingIDs: Bool) throws -> PostgresQuery {
        let columns = keepingIDs ? 18 : 17
        var sql = """
            INSERT INTO change (\(keepingIDs ? "id, " : "")run_id, root_id, key, product_id, iccid, ops, from_status,
                to_status, async, state, intent_at, sent_at, http_status, monitor_id, error, correlation_id, ended_at)
                VALUES
            """
        var binds = PostgresBindings(capacity: changes.count * columns)
        for (index, change) in changes.enumerated() {
            sql += (index == 0 ? " " : ", ") + placeholders(count: columns, from: binds.count)
            if keepingIDs { binds.append(change.id) }
            binds.append(change.runID)
            binds.append(change.rootID)
            binds.append(change.key)
            binds.append(change.productID)
            binds.append(change.iccid)
            binds.append(change.ops)
            binds.append(change.fromStatus)
            binds.append(change.toStatus)
            binds.append(change.async)
            binds.append(change.state.rawValue)
            binds.append(change.intentAt)
            binds.append(change.sentAt)
            binds.append(change.httpStatus)
            binds.append(change.monitorID)
            binds.append(change.error)
            binds.append(change.correlationID)
            binds.append(change.endedAt)
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// `($n+1, $n+2, ...)` for one row of `count` values after `start` bound ones.
    private static func placeholders(count: Int, from start: Int) -> String {
        "(" + (1...count).map { "$\(start + $0)" }.joined(separator: ", ") + ")"
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    fileprivate func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
