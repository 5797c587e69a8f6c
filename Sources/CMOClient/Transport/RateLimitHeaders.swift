import Foundation
import NIOHTTP1

/// The `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` headers TMF630 recommends, as far as
/// an answer carries them.
struct RateLimitHeaders: Sendable, Hashable {
    /// Requests allowed per window.
    var limit: Int?
    /// Requests left in the current window.
    var remaining: Int?
    /// Time until the window resets.
    var reset: Duration?

    /// Reads the headers; `nil` when none is present. `X-Rate-Limit-Reset` is taken as seconds from now, or as a
    /// Unix time in seconds when it is that large (after 2001), as some gateways send it.
    init?(_ headers: HTTPHeaders, now: Date? = nil) {
        func number(_ name: String) -> Double? {
            headers.first(name: name).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.flatMap {
                $0.isFinite && $0 >= 0 ? $0 : nil
            }
        }
        let limit = number("X-Rate-Limit-Limit")
        let remaining = number("X-Rate-Limit-Remaining")
        let reset = number("X-Rate-Limit-Reset")
        guard limit != nil || remaining != nil || reset != nil else { return nil }
        self.limit = limit.map { Int($0) }
        self.remaining = remaining.map { Int($0) }
        self.reset = reset.map { value in
            let seconds = value >= 1_000_000_000 ? max(0, value - (now ?? Date()).timeIntervalSince1970) : value
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
    }

    init(limit: Int? = nil, remaining: Int? = nil, reset: Duration? = nil) {
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
    }

    /// The wait the headers ask for before the next request: the reset time when nothing remains.
    var exhaustedFor: Duration? {
        guard remaining == 0, let reset, reset > .zero else { return nil }
        return reset
    }
}
