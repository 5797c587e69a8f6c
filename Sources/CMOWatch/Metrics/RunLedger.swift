import CMOJournal
import Synchronization

/// Feeds ``WatchMetrics`` from the journal, run by run: each refresh reads the runs added since the last one (by
/// rowid) and those it saw unfinished, so a scrape costs two indexed reads whatever the journal's size, and the
/// counters equal what the journal holds (counters never go down: a run pruned later stays counted).
final class RunLedger: Sendable {
    private struct State {
        /// The largest rowid read so far.
        var lastRowID: Int64 = 0
        /// Runs read before their end was recorded, by rowid.
        var unfinished: Set<Int64> = []
    }

    private let journal: Journal
    private let metrics: WatchMetrics
    private let state = Mutex(State())
    /// Rows read per query while catching up with a big journal.
    private let batch = 2_000

    init(journal: Journal, metrics: WatchMetrics) {
        self.journal = journal
        self.metrics = metrics
    }

    /// Reads what changed in the journal since the last refresh into the metrics.
    func refresh() throws(JournalError) {
        try state.withLock { (state: inout State) throws(JournalError) in
            if !state.unfinished.isEmpty {
                let rows = Array(state.unfinished)
                let current = try journal.runTallies(rowIDs: rows)
                state.unfinished.subtract(rows)  // a row gone (pruned) is forgotten
                for run in current {
                    if run.isFinished { metrics.runFinished(run) } else { state.unfinished.insert(run.rowID) }
                }
            }
            while true {
                let added = try journal.runTallies(after: state.lastRowID, limit: batch)
                for run in added {
                    metrics.runStarted(run)
                    if run.isFinished { metrics.runFinished(run) } else { state.unfinished.insert(run.rowID) }
                    state.lastRowID = max(state.lastRowID, run.rowID)
                }
                if added.count < batch { break }
            }
        }
    }
}
