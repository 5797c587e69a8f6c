/// What ``Journal/prune(endedBefore:dryRun:)`` removed (or, in a dry run, would remove).
public struct JournalPruneResult: Sendable, Equatable {
    /// Runs removed.
    public var runs: Int
    /// Their changes, removed with them.
    public var changes: Int
    /// Runs older than the cut that were kept: their chain has a run without an end (running, or its process died),
    /// a change whose outcome is open (`intent`, `accepted`: it may still be resumed), or a later run that ended
    /// after the cut.
    public var kept: Int

    public init(runs: Int, changes: Int, kept: Int) {
        self.runs = runs
        self.changes = changes
        self.kept = kept
    }
}
