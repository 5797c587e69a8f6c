/// What a `[[notify]]` webhook may be sent for (`on = ["failed", "guard", "paused", "recovered"]`).
public enum NotifyEvent: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// A run failed: it exited neither 0 nor 4.
    case failed
    /// A run stopped early on its own (exit 4 while the daemon was not shutting down): a guard
    /// (`max_changes`, `max_failure_rate`), its `timeout`, or a Lua budget.
    case guardTripped = "guard"
    /// The job reached its `pause_after_failures` limit and no longer fires.
    case paused
    /// A run succeeded after one or more failed runs (also the first success after a resume).
    case recovered

    public var description: String { rawValue }
}
