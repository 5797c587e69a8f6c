import Synchronization

extension RunSession {
    /// Who to tell when a stop is asked for: the runner's stopper once the script runs; before that, the first
    /// reason waits for it.
    struct StopState: Sendable {
        var stopper: RunStopper?
        var pending: String?
        /// Takes stops instead of a runner (a distributed run's coordinator, once its plan is stored).
        var handler: (@Sendable (String) -> Void)?
    }

    /// A signal arrived (the CLI installs the handlers and routes them here): the first stops the run gently
    /// (no new change request goes out, the answers of those in flight are recorded, then exit 4); a second one
    /// ends the process at once.
    public func interrupt(by signal: String, count: Int) {
        if count > 1 {
            console.report("cmo: \(signal) again: exiting without waiting for the script")
            console.exit(.stopped)
        }
        stop("interrupted by \(signal)")
    }

    /// Stops the run gently with `reason` (exit 4); a stop asked for before the script started stops it as soon
    /// as it starts. Callable from any thread.
    public func stop(_ reason: String) {
        let (stopper, handler) = stops.withLock { state in
            if state.stopper == nil, state.handler == nil, state.pending == nil { state.pending = reason }
            return (state.stopper, state.handler)
        }
        if let handler {
            handler(reason)
        } else if let stopper {
            Task { await stopper.stop(reason) }
        }
    }

    /// Routes stop requests to `handler` from now on (and hands it one that came before).
    func attach(handler: @escaping @Sendable (String) -> Void) {
        let pending = stops.withLock { state -> String? in
            state.stopper = nil
            state.handler = handler
            return state.pending
        }
        if let pending { handler(pending) }
    }

    /// Routes stop requests to `stopper` from now on, and hands it one that came before.
    func attach(_ stopper: RunStopper) {
        let pending = stops.withLock { state -> String? in
            state.stopper = stopper
            return state.pending
        }
        if let pending { Task { await stopper.stop(pending) } }
    }
}
