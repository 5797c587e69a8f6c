/// What to do when a job's fire time comes while its previous run is still going
/// (`overlap = "skip" | "queue" | "allow"` in the schedule file).
public enum OverlapPolicy: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Drop this fire and log it (the default).
    case skip
    /// Run right after the current run ends; at most one fire waits, later ones are skipped.
    case queue
    /// Start another run alongside the current one.
    case allow

    public var description: String { rawValue }
}
