/// Why a fire did not start a run.
public enum SkipReason: Sendable, Equatable, CustomStringConvertible {
    /// The job is paused after too many failures.
    case paused
    /// overlap = skip and the previous run is still going.
    case stillRunning
    /// overlap = queue and a fire is already waiting.
    case queueFull

    public var description: String {
        switch self {
        case .paused: "job is paused"
        case .stillRunning: "previous run still running (overlap = skip)"
        case .queueFull: "a run is already queued (overlap = queue)"
        }
    }
}
