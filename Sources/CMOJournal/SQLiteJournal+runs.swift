import Foundation
import GRDB

extension SQLiteJournal {
    /// Records that `run` started.
    public func begin(_ run: RunEntry) async throws(JournalError) {
        try await write { db in
            try run.insert(db)
            return 0
        }
    }

    /// Records how the run `id` ended, with what its API client counted (`api`, nil when it had none).
    public func finish(
        runID id: String, exitCode: Int32, stopReason: String?, counts: [String: Int], api: RunAPICounts? = nil,
        at date: Date = Date()
    ) async throws(JournalError) {
        let countsText: String
        do {
            countsText = try JournalJSON.text(counts)
        } catch {
            throw JournalError(.storage, "cannot encode the run's counts: \(error)")
        }
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE run SET ended_at = ?, exit_code = ?, stop_reason = ?, counts = ?, api_requests = ?,
                    api_retries = ?, api_rate_limited = ?, api_token_fetches = ? WHERE id = ?
                    """,
                arguments: [
                    JournalDate.text(date), exitCode, stopReason, countsText, api?.requests, api?.retries,
                    api?.rateLimited, api?.tokenFetches, id,
                ])
            return 0
        }
    }

    /// The run with this id, or the only one whose id starts with it.
    public func run(_ idOrPrefix: String) throws(JournalError) -> RunEntry {
        let matches = try read { db in
            if let exact = try RunEntry.fetchOne(db, key: idOrPrefix) { return [exact] }
            return try RunEntry.filter(Column("id").like(Self.escapeLike(idOrPrefix) + "%", escape: "\\"))
                .limit(2).fetchAll(db)
        }
        guard let first = matches.first else {
            throw JournalError(.unknownRun, "no run '\(idOrPrefix)' in the journal at \(path) (see 'cmo runs')")
        }
        guard matches.count == 1 else {
            throw JournalError(.ambiguousRun, "'\(idOrPrefix)' names more than one run: give more of the id")
        }
        return first
    }

    /// The latest runs, newest first.
    public func runs(limit: Int) throws(JournalError) -> [RunEntry] {
        try read { db in
            try RunEntry.order(Column("started_at").desc, Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    /// How many changes of run `id` are in each state: the counts of a run that has no end recorded (still
    /// running, or its process died), as far as its journal goes.
    public func changeCounts(ofRun id: String) throws(JournalError) -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) FROM change WHERE run_id = ? GROUP BY state", arguments: [id])
            for row in rows { counts[row[0]] = row[1] }
            return counts
        }
    }

    /// For each of `runs` that did not succeed, the run that later resumed it to the end (see
    /// ``RunEntry/finishers(in:)``), by run id.
    public func finishers(of runs: [RunEntry]) throws(JournalError) -> [String: String] {
        let roots = Array(Set(runs.filter { $0.exitCode != 0 }.map(\.rootID)))
        guard !roots.isEmpty else { return [:] }
        let chains = try read { db in try RunEntry.filter(roots.contains(Column("root_id"))).fetchAll(db) }
        return RunEntry.finishers(in: chains)
    }

    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
