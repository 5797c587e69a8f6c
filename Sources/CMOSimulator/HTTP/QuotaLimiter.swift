/// A request quota per client over fixed windows of an hour (`cmo sim --quota N`): a client's window opens with
/// its first request; once `limit` requests were counted in it, requests are refused until it closes, so
/// `Retry-After` can be up to 3600 s.
final class QuotaLimiter: Sendable {
    private struct Window {
        var start: Double
        var count: Int
    }

    /// Length of a window in seconds.
    static let windowSeconds: Double = 3600

    private let limit: Int
    private let windows = Locked<[String: Window]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts one request of `client` at `now` (seconds).
    func take(client: String, now: Double) -> RateLimiter.Decision {
        windows.withLock { windows in
            var window = windows[client] ?? Window(start: now, count: 0)
            if now - window.start >= Self.windowSeconds { window = Window(start: now, count: 0) }
            let allowed = window.count < limit
            if allowed { window.count += 1 }
            windows[client] = window
            let reset = max(1, Int((window.start + Self.windowSeconds - now).rounded(.up)))
            return RateLimiter.Decision(allowed: allowed, limit: limit, remaining: limit - window.count, retryAfterSeconds: reset)
        }
    }
}
