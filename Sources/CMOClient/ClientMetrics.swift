import Metrics
import Synchronization

/// The client's counters, reported through swift-metrics and kept locally for `CMOClient.statistics`.
final class ClientMetrics: Sendable {
    private let requestsCounter = Counter(label: "cmo_client_requests_total")
    private let retriesCounter = Counter(label: "cmo_client_retries_total")
    private let rateLimitedCounter = Counter(label: "cmo_client_rate_limited_total")
    private let tokenFetchesCounter = Counter(label: "cmo_client_token_fetches_total")

    private let requests = Atomic<Int>(0)
    private let retries = Atomic<Int>(0)
    private let rateLimited = Atomic<Int>(0)
    private let tokenFetches = Atomic<Int>(0)

    func requestSent() {
        requests.add(1, ordering: .relaxed)
        requestsCounter.increment()
    }

    func retryScheduled() {
        retries.add(1, ordering: .relaxed)
        retriesCounter.increment()
    }

    func rateLimitedResponse() {
        rateLimited.add(1, ordering: .relaxed)
        rateLimitedCounter.increment()
    }

    func tokenFetchStarted() {
        tokenFetches.add(1, ordering: .relaxed)
        tokenFetchesCounter.increment()
    }

    var snapshot: CMOClient.Statistics {
        CMOClient.Statistics(
            requests: requests.load(ordering: .relaxed),
            retries: retries.load(ordering: .relaxed),
            rateLimited: rateLimited.load(ordering: .relaxed),
            tokenFetches: tokenFetches.load(ordering: .relaxed))
    }
}
