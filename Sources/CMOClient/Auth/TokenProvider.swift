import Synchronization

/// Hands out access tokens: the I/O side of `TokenStateMachine`.
///
/// Fetches run in their own task so that a cancelled caller does not cancel a fetch others wait for.
final class TokenProvider: Sendable {
    /// Fetches a new token; throws a `CMOError` and says whether the failure is final (credentials refused).
    typealias Fetch = @Sendable () async -> Result<AccessToken, TokenFetchFailure>

    struct TokenFetchFailure: Error, Sendable {
        var error: CMOError
        var final: Bool
    }

    private struct Locked: ~Copyable {
        var machine: TokenStateMachine
        var waiters: [CheckedContinuation<AccessToken, any Error>] = []
    }

    private let locked: Mutex<Locked>
    private let fetch: Fetch
    private let now: @Sendable () -> ContinuousClock.Instant

    init(
        refreshSkew: Duration,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        fetch: @escaping Fetch
    ) {
        self.locked = Mutex(Locked(machine: TokenStateMachine(refreshSkew: refreshSkew)))
        self.fetch = fetch
        self.now = now
    }

    /// A valid token, fetching one when needed.
    func token() async throws(CMOError) -> AccessToken {
        let action = locked.withLock { $0.machine.acquire(now: now()) }
        switch action {
        case .use(let token):
            return token
        case .useAndStartFetch(let token):
            startFetch()
            return token
        case .fail(let error):
            throw error
        case .startFetchAndWait:
            startFetch()
            return try await waitForFetch()
        case .wait:
            return try await waitForFetch()
        }
    }

    /// Drops a token the API rejected (on a request sent at `sentAt`) so that the next `token()` fetches a new one.
    func rejected(_ token: AccessToken, sentAt: ContinuousClock.Instant) {
        locked.withLock { $0.machine.rejected(token, sentAt: sentAt) }
    }

    private func waitForFetch() async throws(CMOError) -> AccessToken {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                // The fetch may have finished between `acquire` and here: check again under the lock.
                let immediate: Result<AccessToken, CMOError>? = locked.withLock { locked in
                    switch locked.machine.state {
                    case .ready(let token, _):
                        return .success(token)
                    case .failed(let error):
                        return .failure(error)
                    case .idle:
                        // A transient failure ended the fetch we meant to wait for; the next call tries again.
                        return .failure(CMOError(kind: .auth, message: "token fetch failed", retryable: true))
                    case .fetching(let current?) where now() < current.expiresAt:
                        return .success(current)
                    case .fetching:
                        locked.waiters.append(continuation)
                        return nil
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } catch let error as CMOError {
            throw error
        } catch {
            throw CMOError.cancelled("waiting for an access token")
        }
    }

    private func startFetch() {
        Task {
            let result = await fetch()
            let (action, waiters) = locked.withLock { locked in
                let action: TokenStateMachine.FetchCompletionAction
                switch result {
                case .success(let token):
                    action = locked.machine.fetchSucceeded(token)
                case .failure(let failure):
                    action = locked.machine.fetchFailed(failure.error, final: failure.final, now: now())
                }
                let waiters = locked.waiters
                locked.waiters.removeAll()
                return (action, waiters)
            }
            switch action {
            case .succeedWaiters(let token): waiters.forEach { $0.resume(returning: token) }
            case .failWaiters(let error): waiters.forEach { $0.resume(throwing: error) }
            }
        }
    }
}
