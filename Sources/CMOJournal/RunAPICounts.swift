/// What a run's API client counted, kept on the run's row at its end (columns `api_*`): the schedule daemon's
/// `/metrics` adds them up, since each scheduled run is a process of its own.
public struct RunAPICounts: Sendable, Equatable {
    /// HTTP attempts to the API (token requests excluded), retries included.
    public var requests: Int
    /// Retries scheduled after a failed attempt.
    public var retries: Int
    /// 429 answers received.
    public var rateLimited: Int
    /// Token requests sent.
    public var tokenFetches: Int

    public init(requests: Int, retries: Int, rateLimited: Int, tokenFetches: Int) {
        self.requests = requests
        self.retries = retries
        self.rateLimited = rateLimited
        self.tokenFetches = tokenFetches
    }
}
