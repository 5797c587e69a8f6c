/// A pace of request starts shared with other processes: a tenant-wide rate limit (`cmo run --tenant-rate-limit`).
///
/// The client awaits ``awaitTurn()`` before every request it sends to the API (reads, PATCHes, monitor polls, list
/// pages, retries; token requests excluded), after its own limits (`Configuration.Limits`, the backends' pace) let
/// the request go and it holds a slot. It calls ``rateLimited(retryAfter:)`` for every 429 it receives, so the
/// shared pace holds back every process, not only this one. The client knows nothing of how the pace is kept; the
/// `cmo` command gives it one kept in the PostgreSQL journal (`TenantRateBucket`).
public protocol SharedRequestPace: Sendable {
    /// Returns when this process may send its next request.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while it waits; any other error fails the request
    ///   (nothing is sent), reported as a `network` `CMOError` with the error's description.
    func awaitTurn() async throws

    /// The API answered 429: no request of anyone sharing the pace should start before `retryAfter` (the answer's
    /// `Retry-After`; nil when it had none) has passed.
    func rateLimited(retryAfter: Duration?) async
}
