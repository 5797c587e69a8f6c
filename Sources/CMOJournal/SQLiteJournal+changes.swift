import Foundation
import GRDB

extension SQLiteJournal {
    /// Writes a new change (usually its intent, before the request goes out) and returns it with its row id,
    /// once committed.
    public func insert(_ change: ChangeEntry) async throws(JournalError) -> ChangeEntry {
        let id = try await write { db in try change.insertFast(db) }
        var inserted = change
        inserted.id = id
        return inserted
    }

    /// Rewrites a change written by ``insert(_:)`` (its answer, its monitor's end), once committed.
    public func update(_ change: ChangeEntry) async throws(JournalError) {
        try await write { db in
            try change.updateFast(db)
            return 0
        }
    }

    /// Queues an insert (a change that ends without a request: unchanged, skipped, would change, replayed)
    /// without waiting for its commit.
    public func insertInBackground(_ change: ChangeEntry) {
        writeInBackground { db in try change.insertFast(db) }
    }

    /// Queues a rewrite of a change (its answer, its monitor's end) without waiting for its commit: a lost one
    /// leaves the intent, which a resumed run resolves by reading first. Applied after every earlier write.
    public func updateInBackground(_ change: ChangeEntry) {
        writeInBackground { db in
            try change.updateFast(db)
            return 0
        }
    }

    /// Settles the `accepted` changes of run chain `rootID` waiting on `monitorID`.
    public func settle(
        monitorID: String, rootID: String, state: ChangeEntry.State, error: String?, at date: Date = Date()
    ) {
        writeInBackground { db in
            try db.execute(
                sql: """
                    UPDATE change INDEXED BY change_monitor SET state = ?, error = ?, ended_at = ?
                    WHERE monitor_id = ? AND root_id = ? AND state = 'accepted'
                    """,
                arguments: [state.rawValue, error, JournalDate.text(date), monitorID, rootID])
            return 0
        }
    }

    /// The changes of one run, in the order they were first written.
    public func changes(ofRun runID: String) throws(JournalError) -> [ChangeEntry] {
        try read { db in
            try ChangeEntry.filter(Column("run_id") == runID).order(Column("id")).fetchAll(db)
        }
    }

    /// The latest entry of every change key in the run chain `rootID`: what a resumed run starts from.
    public func latestChanges(rootID: String) throws(JournalError) -> [String: ChangeEntry] {
        try read { db in
            var latest: [String: ChangeEntry] = [:]
            for change in try ChangeEntry.filter(Column("root_id") == rootID).order(Column("id")).fetchAll(db) {
                latest[change.key] = change
            }
            return latest
        }
    }
}

extension SQLiteJournal {
    /// How many changes of run `runID` are in `state`; with `async`, only those of (a)synchronous backends; with
    /// `answered`, only those whose request got (or did not get) an HTTP answer in this run.
    public func count(
        ofRun runID: String, state: ChangeEntry.State, async: Bool? = nil, answered: Bool? = nil
    ) throws(JournalError) -> Int {
        try read { db in
            var request = ChangeEntry.filter(Column("run_id") == runID && Column("state") == state.rawValue)
            if let async { request = request.filter(Column("async") == async) }
            if let answered {
                request = request.filter(answered ? Column("http_status") != nil : Column("http_status") == nil)
            }
            return try request.fetchCount(db)
        }
    }
}
