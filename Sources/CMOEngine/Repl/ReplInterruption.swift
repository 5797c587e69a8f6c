import Synchronization

/// Routes Ctrl-C (SIGINT, caught by the CLI) to the REPL entry that runs: it is stopped, its waits end with a
/// `cancelled` error, the session prints `interrupted` and prompts again. At the prompt the line editor handles
/// Ctrl-C itself.
public final class ReplInterruption: Sendable {
    /// The stop reason, and what the session prints.
    public static let reason = "interrupted"

    /// What an interruption did.
    public enum Effect: Sendable, Equatable {
        /// No entry runs: nothing to interrupt.
        case none
        /// The running entry is being stopped.
        case interrupted
        /// The running entry was already told to stop and has not ended (stuck in one C call, say).
        case again
    }

    private struct Route {
        var stop: (@Sendable () -> Void)?
        var requested = false
    }

    private let current = Mutex(Route())

    public init() {}

    /// Interrupts the running entry, if any.
    @discardableResult
    public func interrupt() -> Effect {
        let (stop, effect) = current.withLock { route -> ((@Sendable () -> Void)?, Effect) in
            guard let stop = route.stop else { return (nil, .none) }
            if route.requested { return (nil, .again) }
            route.requested = true
            return (stop, .interrupted)
        }
        stop?()
        return effect
    }

    /// From now on ``interrupt()`` calls `stop` (an entry starts), or nothing (nil: it ended).
    func route(to stop: (@Sendable () -> Void)?) {
        current.withLock { $0 = Route(stop: stop) }
    }
}
