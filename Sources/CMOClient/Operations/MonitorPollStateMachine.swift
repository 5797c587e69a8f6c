/// Decides when `awaitMonitor` polls next and when it stops, apart from any I/O.
///
/// The interval starts at `initialInterval` and grows by `multiplier` up to `maximumInterval`; a `Retry-After`
/// from the server replaces the interval for that wait. The last poll happens at the deadline.
struct MonitorPollStateMachine: Sendable {
    enum Action: Sendable, Hashable {
        /// The monitor completed.
        case completed
        /// The monitor ended in error.
        case failed
        /// Poll again after this wait.
        case poll(after: Duration)
        /// The deadline has passed with the monitor still running.
        case timedOut
    }

    let polling: Configuration.MonitorPolling
    let deadline: ContinuousClock.Instant
    private var interval: Duration

    init(polling: Configuration.MonitorPolling, deadline: ContinuousClock.Instant) {
        self.polling = polling
        self.deadline = deadline
        self.interval = polling.initialInterval
    }

    /// A poll answered with `state`; `retryAfter` is the server's `Retry-After`, if any.
    mutating func polled(state: Monitor.State, retryAfter: Duration?, now: ContinuousClock.Instant) -> Action {
        switch state {
        case .completed: return .completed
        case .inError: return .failed
        case .inProgress, .other: break
        }
        guard now < deadline else { return .timedOut }
        let wait = retryAfter ?? interval
        interval = min(polling.maximumInterval, interval * polling.multiplier)
        // Never sleep past the deadline: poll once more right at it.
        return .poll(after: min(wait, deadline - now))
    }
}
