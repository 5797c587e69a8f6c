/// When a webhook is tried again: a value with no clock, asked after each attempt.
///
/// A 2xx answer delivers it. A 5xx, a 429 or no answer at all (connection refused, reset, timed out) is tried
/// again after the next of ``delays`` (by default 1 s, then 4 s: three attempts in all). Any other answer (a 4xx:
/// the URL or the body is wrong, asking again will not help; a redirect, which webhooks do not use) gives up.
public struct WebhookRetryPolicy: Sendable, Equatable {
    /// What to do after an attempt.
    public enum Decision: Sendable, Equatable {
        /// The receiver took it.
        case delivered
        /// Try again after this long.
        case retry(after: Duration)
        /// Stop trying: `reason` says why, for the log.
        case giveUp(reason: String)
    }

    /// The waits before the second, third, ... attempt; their count is the number of retries.
    public var delays: [Duration]

    public init(delays: [Duration] = [.seconds(1), .seconds(4)]) {
        self.delays = delays
    }

    /// After attempt number `attempt` (1 for the first) got HTTP `status`, or no answer (nil).
    public func decide(attempt: Int, status: Int?) -> Decision {
        if let status, (200..<300).contains(status) { return .delivered }
        let retryable = status.map { $0 >= 500 || $0 == 429 } ?? true
        let what = status.map { "HTTP \($0)" } ?? "no answer"
        guard retryable else { return .giveUp(reason: "\(what), not retried") }
        guard attempt - 1 < delays.count else { return .giveUp(reason: "\(what) after \(attempt) attempts") }
        return .retry(after: delays[attempt - 1])
    }
}
