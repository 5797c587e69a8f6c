/// A token bucket per client: `rate` requests per second, with a burst of one second's worth.
final class RateLimiter: Sendable {
    /// The answer for one request.
    struct Decision: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until a request will be allowed again (when refused) or the bucket is full.
        var retryAfterSeconds: Int
    }

    private struct Bucket {
        var tokens: Double
        var updatedAt: Double
    }

    private let rate: Double
    private let capacity: Double
    private let buckets = Locked<[String: Bucket]>([:])

    init(rate: Double) {
        self.rate = rate
        self.capacity = max(1, rate)
    }

    /// Takes one token from `client`'s bucket at `now` (seconds, monotonic).
    func take(client: String, now: Double) -> Decision {
        buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: capacity, updatedAt: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updatedAt) * rate)
            bucket.updatedAt = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[client] = bucket
            let missing = allowed ? capacity - bucket.tokens : 1 - bucket.tokens
            let wait = Int((missing / rate).rounded(.up))
            return Decision(
                allowed: allowed,
                limit: Int(rate.rounded(.up)),
                remaining: Int(bucket.tokens.rounded(.down)),
                retryAfterSeconds: max(allowed ? 0 : 1, wait)
            )
        }
    }
}
