/// When a failed request is tried again, and after how long.
///
/// A 429 waits for `Retry-After` (seconds or an HTTP date) when the server sends one; a 429 or 503 whose
/// `Retry-After` is longer than `maximumRetryAfter` (`--max-retry-wait`) fails at once with a `rateLimited` error. 500, 502, 503, 504, connection
/// failures and timeouts back off exponentially with full jitter: the n-th retry waits a random time between zero and
/// `min(maximumDelay, initialDelay × 2ⁿ⁻¹)`. Retries stop after `maximumAttempts` attempts or when the next wait
/// would end after `maximumElapsed` since the first attempt.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (1 disables retries).
    public var maximumAttempts: Int
    /// The backoff bound of the first retry.
    public var initialDelay: Duration
    /// The largest backoff bound.
    public var maximumDelay: Duration
    /// The longest a request may keep retrying, counted from its first attempt.
    public var maximumElapsed: Duration
    /// The longest `Retry-After` honoured (`--max-retry-wait`, 60 s by default); a 429 or 503 asking for longer
    /// fails the request with a `rateLimited` error.
    public var maximumRetryAfter: Duration

    public init(
        maximumAttempts: Int = 6,
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(5),
        maximumElapsed: Duration = .seconds(60),
        maximumRetryAfter: Duration = .seconds(60)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumElapsed = maximumElapsed
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// A policy that never retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// The upper bound of the backoff before retry number `retry` (1 for the first retry).
    public func backoffBound(retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 40)
        let bound = initialDelay.seconds * Double(UInt64(1) << UInt64(exponent))
        return .nanoseconds(Int64(min(bound, maximumDelay.seconds) * 1e9))
    }

    /// The full-jitter backoff before retry number `retry`: uniformly random in `0...backoffBound(retry:)`.
    public func backoff<Generator: RandomNumberGenerator>(retry: Int, using generator: inout Generator) -> Duration {
        let bound = backoffBound(retry: retry).seconds
        guard bound > 0 else { return .zero }
        return .nanoseconds(Int64(Double.random(in: 0...bound, using: &generator) * 1e9))
    }
}
