import CMOJournal

/// The runs `cmo runs` shows, with what the journal knows beyond each run's row: the counts of a run that has no
/// end recorded, and the run that later resumed it to the end.
struct RunHistory {
    /// The runs, newest first.
    var items: [Item]

    /// One run as shown.
    struct Item {
        var run: RunEntry
        /// Changes per state: the row's counts, or for a run without an end (still running, or its process
        /// died), what its changes count so far.
        var counts: [String: Int]
        /// The run that resumed this one, directly or through other resumes, and succeeded.
        var resumedBy: String?
    }

    /// `runs` with their counts and finishers from `journal`.
    init(_ runs: [RunEntry], in journal: any Journal) async throws(JournalError) {
        let finishers = try await journal.finishers(of: runs)
        var items: [Item] = []
        for run in runs {
            let counts = run.exitCode == nil ? try await journal.changeCounts(ofRun: run.id) : run.counts
            items.append(Item(run: run, counts: counts, resumedBy: finishers[run.id]))
        }
        self.items = items
    }
}
