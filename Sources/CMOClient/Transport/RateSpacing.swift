/// Spreads request starts evenly: at most one start per `interval`, with no bursts.
///
/// Pure logic: `reserve(now:)` hands out the next free start time and moves the schedule on.
struct RateSpacing: Sendable {
    /// The rate the spacing keeps.
    private(set) var requestsPerSecond: Double
    private(set) var interval: Duration
    private var nextFree: ContinuousClock.Instant?
    /// When the last request actually started (see `confirm(now:)`).
    private var lastStart: ContinuousClock.Instant?

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

    /// A request whose reserved start has come starts now, or later when it would follow the last actual start
    /// by less than `interval`: requests that wake late together (a busy machine) are spread out again instead of
    /// going out as a burst. Returns the start, `now` or later; later starts reserved move behind it.
    mutating func confirm(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let start = max(now, lastStart.map { $0 + interval } ?? now)
        lastStart = start
        nextFree = max(nextFree ?? start, start + interval)
        return start
    }

    /// Changes the rate for the starts reserved from now on (those already handed out stand).
    mutating func setRate(_ requestsPerSecond: Double) {
        self.requestsPerSecond = requestsPerSecond
        self.interval = .nanoseconds(Int64(1e9 / requestsPerSecond))
    }
}
