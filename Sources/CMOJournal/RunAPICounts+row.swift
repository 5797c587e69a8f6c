import GRDB

extension RunAPICounts {
    /// The API counters of a SQLite `run` row; nil for a run journaled without them (before schema v2, or with no
    /// client).
    init?(row: Row) {
        guard let requests: Int = row["api_requests"] else { return nil }
        self.init(
            requests: requests, retries: row["api_retries"] ?? 0, rateLimited: row["api_rate_limited"] ?? 0,
            tokenFetches: row["api_token_fetches"] ?? 0)
    }
}
