import CMOClient
import CMOJournal
import Logging

/// The client's shared pace (`Configuration.sharedPace`) kept in the PostgreSQL journal's tenant bucket: each request
/// takes a slot of the bucket; a 429 pushes the bucket back for every process of the tenant.
struct TenantPace: SharedRequestPace {
    let bucket: TenantRateBucket
    let logger: Logger

    func awaitTurn() async throws {
        try await bucket.take()
    }

    /// Pushes the bucket back by the answer's `Retry-After`, or one second without one. A push that fails is logged
    /// and left: the client's own retry waits the `Retry-After` out all the same.
    func rateLimited(retryAfter: Duration?) async {
        do {
            try await bucket.pushBack(retryAfter: retryAfter ?? .seconds(1))
        } catch {
            logger.warning("cannot push the tenant rate limit back: \(error.message)")
        }
    }
}
