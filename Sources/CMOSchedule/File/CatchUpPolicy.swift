/// What the daemon does at start-up about fires missed while it was not running
/// (`catch_up = "none" | "last"` in the schedule file).
public enum CatchUpPolicy: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Log missed fires and drop them (the default; written `"none"`).
    case never = "none"
    /// Run the most recent missed fire once, if it is within the job's catch-up window.
    case last

    public var description: String { rawValue }
}
