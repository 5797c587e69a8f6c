import Foundation
import PostgresNIO

extension PostgresJournal: Journal {
    public func begin(_ run: RunEntry) async throws(JournalError) {
        let (vars, inputs, counts) = try Self.texts(run.vars, run.inputs, run.counts)
        let logger = self.logger
        try await transaction("record the run's start") { connection in
            let inserted = try await connection.query("""
                INSERT INTO run (id, root_id, resumed_from, script_path, script_hash, vars, inputs, dry_run, job,
                    started_at, counts, pid)
                VALUES (\(run.id), \(run.rootID), \(run.resumedFrom), \(run.scriptPath), \(run.scriptHash), \(vars),
                    \(inputs), \(run.dryRun), \(run.job), \(run.startedAt), \(counts), \(Int(run.pid)))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger)
            // Every row stream is read to its end: one left half-read keeps the connection busy, and the COMMIT
            // would wait behind it.
            var fresh = false
            for try await _ in inserted { fresh = true }
            if fresh { return }
            // The id is taken: by this very insert when a lost COMMIT made us send it again (same process, same
            // script), else by another run, which is refused as SQLite's primary key refuses it.
            let rows = try await connection.query("SELECT pid, script_hash FROM run WHERE id = \(run.id)", logger: logger)
            var existing: [(Int, String)] = []
            for try await row in rows.decode((Int, String).self) { existing.append(row) }
            if existing.contains(where: { $0.0 == Int(run.pid) && $0.1 == run.scriptHash }) { return }
            throw JournalError(.storage, "the journal at \(self.location) has a run \(run.id) already")
        }
    }

    public func finish(
        runID id: String, exitCode: Int32, stopReason: String?, counts: [String: Int], api: RunAPICounts?, at date: Date
    ) async throws(JournalError) {
        let (_, _, countsText) = try Self.texts([:], [:], counts)
        // As in the SQLite journal, the run's end comes after the writes queued before it.
        await background.drain()
        try await transaction("record the run's end") { connection in
            try await connection.query("""
                UPDATE run SET ended_at = \(date), exit_code = \(Int(exitCode)), stop_reason = \(stopReason),
                    counts = \(countsText), api_requests = \(api?.requests), api_retries = \(api?.retries),
                    api_rate_limited = \(api?.rateLimited), api_token_fetches = \(api?.tokenFetches)
                WHERE id = \(id)
                """, logger: self.logger)
        }
    }

    public func run(_ idOrPrefix: String) async throws(JournalError) -> RunEntry {
        let pattern = Self.escapeLike(idOrPrefix) + "%"
        let matches = try await rows("read a run") { connection in
            try await connection.query("""
                SELECT \(unescaped: PostgresRows.runColumns) FROM run WHERE id = \(idOrPrefix)
                UNION ALL (SELECT \(unescaped: PostgresRows.runColumns) FROM run
                    WHERE id LIKE \(pattern) AND id <> \(idOrPrefix) AND NOT EXISTS (SELECT 1 FROM run WHERE id = \(idOrPrefix))
                    ORDER BY id LIMIT 2)
                """, logger: self.logger)
        } map: { try PostgresRows.run($0) }
        guard let first = matches.first else {
            throw JournalError(.unknownRun, "no run '\(idOrPrefix)' in the journal at \(location) (see 'cmo runs')")
        }
        guard matches.count == 1 else {
            throw JournalError(.ambiguousRun, "'\(idOrPrefix)' names more than one run: give more of the id")
        }
        return first
    }

    public func runs(limit: Int) async throws(JournalError) -> [RunEntry] {
        try await rows("list the runs") { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresRows.runColumns) FROM run ORDER BY started_at DESC, id DESC LIMIT \(limit)",
                logger: self.logger)
        } map: { try PostgresRows.run($0) }
    }

    public func changeCounts(ofRun id: String) async throws(JournalError) -> [String: Int] {
        let pairs = try await rows("count a run's changes") { connection in
            try await connection.query(
                "SELECT state, count(*) FROM change WHERE run_id = \(id) GROUP BY state", logger: self.logger)
        } map: { row in try row.decode((String, Int).self) }
        return Dictionary(pairs, uniquingKeysWith: +)
    }

    public func finishers(of runs: [RunEntry]) async throws(JournalError) -> [String: String] {
        let roots = Array(Set(runs.filter { $0.exitCode != 0 }.map(\.rootID)))
        guard !roots.isEmpty else { return [:] }
        let chains = try await rows("read the runs' chains") { connection in
            try await connection.query(
                "SELECT \(unescaped: PostgresRows.runColumns) FROM run WHERE root_id = ANY(\(roots))", logger: self.logger)
        } map: { try PostgresRows.run($0) }
        return RunEntry.finishers(in: chains)
    }

    public func privacyWarnings(stateDirectory: Bool) -> [String] { [] }

    /// Runs a query on a pooled connection (retried while the server is away) and maps its rows.
    func rows<T: Sendable>(
        _ what: String, _ query: @escaping @Sendable (PostgresConnection) async throws -> PostgresRowSequence,
        map: @escaping @Sendable (PostgresRow) throws -> T
    ) async throws(JournalError) -> [T] {
        try await retrying(what) { client in
            try await client.withConnection { connection in
                var mapped: [T] = []
                for try await row in try await query(connection) { mapped.append(try map(row)) }
                return mapped
            }
        }
    }

    static func texts(
        _ vars: [String: String], _ inputs: [String: RunEntry.InputFile], _ counts: [String: Int]
    ) throws(JournalError) -> (String, String, String) {
        do {
            return (try JournalJSON.text(vars), try JournalJSON.text(inputs), try JournalJSON.text(counts))
        } catch {
            throw JournalError(.storage, "cannot encode the run's fields: \(error)")
        }
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
