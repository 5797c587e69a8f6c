/// Decides, after each failed attempt of one request, whether to try again and how long to wait first.
///
/// Pure logic: it is given the clock's `now` and a random number generator, and returns an `Action`.
struct RetryStateMachine: Sendable {
    /// What may be repeated without harm.
    enum Safety: Sendable, Hashable {
        /// A read: any failure may be retried.
        case read
        /// A change whose every operation is idempotent (`replace`, `test`): may be repeated after it was sent.
        case idempotentChange
        /// A change that must not be applied twice: retried only when the server certainly did not process it.
        case nonIdempotentChange
    }

    /// Why an attempt failed.
    enum Failure: Sendable, Hashable {
        /// An HTTP status (only 429, 500, 502, 503 and 504 are retried).
        case status(Int, retryAfter: Duration?)
        /// No HTTP answer.
        case transport(TransportFailure)
    }

    /// What to do next.
    enum Action: Sendable, Hashable {
        /// Wait, then send the request again.
        case retry(after: Duration)
        /// Give up; the failure stands.
        case giveUp(GiveUpReason)
    }

    enum GiveUpReason: Sendable, Hashable {
        /// The failure is not one this request may retry.
        case notRetryable
        /// A change was maybe applied: the caller must re-read.
        case outcomeUnknown
        /// Out of attempts.
        case attemptsExhausted
        /// The next wait would run past the policy's elapsed-time limit.
        case timeExhausted
        /// A 429 or 503 asked to wait (`Retry-After`) longer than the policy's `maximumRetryAfter`.
        case retryAfterTooLong(Duration)
    }

    let policy: RetryPolicy
    let safety: Safety
    let start: ContinuousClock.Instant
    /// Attempts made so far.
    private(set) var attempts = 0

    init(policy: RetryPolicy, safety: Safety, start: ContinuousClock.Instant) {
        self.policy = policy
        self.safety = safety
        self.start = start
    }

    /// Records that an attempt is being made.
    mutating func attemptStarted() {
        attempts += 1
    }

    /// The statuses that may be retried at all: 429, and the server-side failures 500, 502, 503 and 504.
    static func isRetryableStatus(_ status: Int) -> Bool {
        status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// Decides what follows a failed attempt.
    mutating func attemptFailed<Generator: RandomNumberGenerator>(
        _ failure: Failure, now: ContinuousClock.Instant, using generator: inout Generator
    ) -> Action {
        // Is this failure safe to repeat for this request?
        switch (failure, safety) {
        case (.status(let status, _), _) where !Self.isRetryableStatus(status):
            return .giveUp(.notRetryable)
        case (_, .read), (_, .idempotentChange):
            break
        case (.status(let status, _), .nonIdempotentChange):
            // 429 and 503 mean "not processed"; after a 500, 502 or 504 the change may have been applied.
            if status != 429 && status != 503 { return .giveUp(.outcomeUnknown) }
        case (.transport(let transport), .nonIdempotentChange):
            if transport.stage == .maybeSent { return .giveUp(.outcomeUnknown) }
        }

        // The server said when to come back, and it is later than the caller accepts to wait: fail now, saying so.
        if case .status(let status, let retryAfter?) = failure, status == 429 || status == 503,
            retryAfter > policy.maximumRetryAfter
        {
            return .giveUp(.retryAfterTooLong(retryAfter))
        }

        guard attempts < policy.maximumAttempts else { return .giveUp(.attemptsExhausted) }

        let delay: Duration
        // A wait the server asked for may run up to `maximumRetryAfter` past the start, even when that is longer
        // than `maximumElapsed` (a `--max-retry-wait` of 300 s is honoured).
        var elapsedLimit = policy.maximumElapsed
        if case .status(_, let retryAfter?) = failure, retryAfter <= policy.maximumRetryAfter {
            elapsedLimit = max(elapsedLimit, policy.maximumRetryAfter + policy.maximumDelay)
        }
        if case .status(429, let retryAfter?) = failure {
            // A little jitter on top keeps many waiting requests from returning in the same instant.
            let spread = policy.backoff(retry: 1, using: &generator)
            delay = retryAfter + spread
        } else if case .status(_, let retryAfter?) = failure, retryAfter <= policy.maximumRetryAfter {
            delay = max(retryAfter, policy.backoff(retry: attempts, using: &generator))
        } else {
            delay = policy.backoff(retry: attempts, using: &generator)
        }
        guard now + delay <= start + elapsedLimit else { return .giveUp(.timeExhausted) }
        return .retry(after: delay)
    }
}
