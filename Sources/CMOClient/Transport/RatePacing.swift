/// When requests may start, per backend and for all: the rule behind `RequestLimiter`'s waits.
///
/// Pure logic, given the clock's `now`. A request that names a product (`product/<BACKEND>-...`) belongs to that
/// backend's *lane*: it is spaced by the backend's rate (the catalogue's `requestsPerSecond`, lowered by each 429),
/// and held while the backend is blocked (a 429's `Retry-After`, or `X-Rate-Limit-Remaining: 0` until
/// `X-Rate-Limit-Reset`). Other backends' lanes are not touched, so one slow backend does not throttle a mixed
/// fleet. A request without a backend (a list page, find, a monitor of unknown product) only meets the global
/// lane, which every request meets too: `--rate-limit`, and blocks learned from answers without a backend.
struct RatePacing: Sendable {
    /// What a request is told before it starts.
    enum Decision: Sendable, Equatable {
        /// Start at this time (now or later).
        case start(at: ContinuousClock.Instant)
        /// The API asked to wait longer than `maximumWait`: fail now, the wait still ahead being this.
        case refuse(retryAfter: Duration)
    }

    /// The pace of one backend, or of all requests.
    struct Lane: Sendable {
        /// Even spacing of starts, when the lane has a rate.
        var spacing: RateSpacing?
        /// No request of the lane starts before this.
        var blockedUntil: ContinuousClock.Instant?
        /// When the rate was last lowered: at most once a second, so a burst of 429s lowers it once.
        var lastLowered: ContinuousClock.Instant?
        /// Starts reserved in the current one-second window and the one before: the rate actually used, for a
        /// lane that had no rate before its first 429.
        var windowStart: ContinuousClock.Instant?
        var windowCount = 0
        var previousWindowCount = 0

        mutating func count(now: ContinuousClock.Instant) {
            if let start = windowStart, now - start < .seconds(1) {
                windowCount += 1
                return
            }
            let adjacent = windowStart.map { now - $0 < .seconds(2) } ?? false
            previousWindowCount = adjacent ? windowCount : 0
            windowStart = now
            windowCount = 1
        }

        func observedRate(now: ContinuousClock.Instant) -> Int {
            guard let start = windowStart, now - start < .seconds(2) else { return 0 }
            return now - start < .seconds(1) ? max(windowCount, previousWindowCount) : windowCount
        }

        func blocked(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
            guard let blockedUntil, blockedUntil > now else { return nil }
            return blockedUntil
        }

        mutating func block(until instant: ContinuousClock.Instant) {
            blockedUntil = max(blockedUntil ?? instant, instant)
        }
    }

    /// A 429 multiplies the lane's rate by this.
    static let decrease = 0.75
    /// The lowest rate a 429 brings a lane to, in requests per second.
    static let minimumRate = 1.0

    let catalogue: BackendCatalogue
    /// The longest wait a request accepts (`--max-retry-wait`); a block beyond it fails requests at once.
    let maximumWait: Duration
    private(set) var global: Lane
    private(set) var lanes: [String: Lane] = [:]

    init(globalRate: Double?, catalogue: BackendCatalogue, maximumWait: Duration) {
        self.catalogue = catalogue
        self.maximumWait = maximumWait
        self.global = Lane(spacing: globalRate.map(RateSpacing.init(requestsPerSecond:)))
    }

    /// The backend's lane, made from the catalogue on first use.
    private func lane(of backend: String) -> Lane {
        lanes[backend] ?? Lane(spacing: catalogue.profile(named: backend)?.requestsPerSecond.map(RateSpacing.init))
    }

    /// The requests per second a backend's lane keeps now, `nil` when unlimited.
    func rate(backend: String) -> Double? {
        lane(of: backend).spacing?.requestsPerSecond
    }

    /// Reserves the start of a request of `backend` (nil: no backend): after its lane's spacing and every block.
    /// The global `--rate-limit` is reserved apart, with `reserveGlobal(now:)`, once the request holds a slot.
    mutating func reserve(backend: String?, now: ContinuousClock.Instant) -> Decision {
        let blocked = max(global.blocked(now: now) ?? now, backend.flatMap { lane(of: $0).blocked(now: now) } ?? now)
        if blocked - now > maximumWait { return .refuse(retryAfter: blocked - now) }
        guard let backend else { return .start(at: blocked) }
        var current = lane(of: backend)
        current.count(now: now)
        let start = current.spacing?.reserve(now: blocked) ?? blocked
        lanes[backend] = current
        return .start(at: start)
    }

    /// The end of a block that holds a request of `backend` at `now` (learned while it waited), or nil.
    func blocked(backend: String?, now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        [global.blocked(now: now), backend.flatMap { lane(of: $0).blocked(now: now) }].compactMap { $0 }.max()
    }

    /// The actual start of a request of `backend` whose reserved start has come (`RateSpacing.confirm`): `now`, or
    /// later when requests woke together.
    mutating func confirm(backend: String?, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        guard let backend, var current = lanes[backend], current.spacing != nil else { return now }
        let start = current.spacing!.confirm(now: now)
        lanes[backend] = current
        return start
    }

    /// The actual start allowed by the global `--rate-limit` for a request whose reserved start has come.
    mutating func confirmGlobal(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        global.spacing?.confirm(now: now) ?? now
    }

    /// The start allowed by the global `--rate-limit`, or nil when there is none.
    mutating func reserveGlobal(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        global.spacing?.reserve(now: now)
    }

    /// Learns from an answer to a request of `backend`: a 429 blocks the lane for its `Retry-After` and lowers the
    /// backend's rate; `X-Rate-Limit-Remaining: 0` blocks the lane until `X-Rate-Limit-Reset` (when that is within
    /// `maximumWait`; a longer one is left to the server's 429).
    mutating func answered(
        backend: String?, status: Int, retryAfter: Duration?, rateLimit: RateLimitHeaders?,
        now: ContinuousClock.Instant
    ) {
        var current = backend.map { lane(of: $0) } ?? global
        if status == 429 {
            if let retryAfter { current.block(until: now + retryAfter) }
            if backend != nil { Self.lower(&current, now: now) }
        }
        if let wait = rateLimit?.exhaustedFor, wait <= maximumWait {
            current.block(until: now + wait)
        }
        if let backend { lanes[backend] = current } else { global = current }
    }

    /// Lowers a lane's rate by a quarter (from what it was, or from what it used in the last second), at most once
    /// a second, not below `minimumRate`.
    private static func lower(_ lane: inout Lane, now: ContinuousClock.Instant) {
        if let last = lane.lastLowered, now - last < .seconds(1) { return }
        let current = lane.spacing?.requestsPerSecond ?? Double(max(1, lane.observedRate(now: now)))
        let lowered = max(min(minimumRate, current), current * decrease)
        if lane.spacing == nil {
            lane.spacing = RateSpacing(requestsPerSecond: lowered)
        } else {
            lane.spacing?.setRate(lowered)
        }
        lane.lastLowered = now
    }
}
