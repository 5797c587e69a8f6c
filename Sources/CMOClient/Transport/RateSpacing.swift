/// Spreads request starts evenly: at most one start per `interval`, with no bursts.
///
/// Pure logic: `reserve(now:)` hands out the next free start time and moves the schedule on.
struct RateSpacing: Sendable {
    /// The rate the spacing keeps.
    private(set) var requestsPerSecond: Double
    private(set) var interval: Duration
    private var nextFree: ContinuousClock.Instant?

    init(requestsPerSecond: Double) {
        self.requestsPerSecond = requestsPerSecond
        self.interval = .nanoseconds(Int64(1e9 / requestsPerSecond))
    }

    /// The time at which the caller may start its request (`now` or later).
    mutating func reserve(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let start = max(now, nextFree ?? now)
        nextFree = start + interval
        return start
    }

    /// Changes the rate for the starts reserved from now on (those already handed out stand).
    mutating func setRate(_ requestsPerSecond: Double) {
        self.requestsPerSecond = requestsPerSecond
        self.interval = .nanoseconds(Int64(1e9 / requestsPerSecond))
    }
}
