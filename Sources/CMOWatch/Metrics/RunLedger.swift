import CMOJournal

/// Feeds ``WatchMetrics`` from the journal, run by run: each refresh reads the runs added since the last one (by
/// rowid) and those it saw unfinished, so a scrape costs two indexed reads whatever the journal's size, and the
/// counters equal what the journal holds (counters never go down: a run pruned later stays counted).
/// An actor: one refresh reads at a time.
actor RunLedger {
    /// The largest rowid read so far.
    private var lastRowID: Int64 = 0
    /// Runs read before their end was recorded, by rowid.
    private var unfinished: Set<Int64> = []

    private let journal: any Journal
    private let metrics: WatchMetrics
    /// Rows read per query while catching up with a big journal.
    private let batch = 2_000

    init(journal: any Journal, metrics: WatchMetrics) {
        self.journal = journal
        self.metrics = metrics
    }

    /// Reads what changed in the journal since the last refresh into the metrics.
    func refresh() async throws(JournalError) {
        if !unfinished.isEmpty {
            let rows = Array(unfinished)
            let current = try await journal.runTallies(rowIDs: rows)
            unfinished.subtract(rows)  // a row gone (pruned) is forgotten
            for run in current {
                if run.isFinished { metrics.runFinished(run) } else { unfinished.insert(run.rowID) }
            }
        }
        while true {
            let added = try await journal.runTallies(after: lastRowID, limit: batch)
            for run in added {
                metrics.runStarted(run)
                if run.isFinished { metrics.runFinished(run) } else { unfinished.insert(run.rowID) }
                lastRowID = max(lastRowID, run.rowID)
            }
            if added.count < batch { break }
        }
    }
}
