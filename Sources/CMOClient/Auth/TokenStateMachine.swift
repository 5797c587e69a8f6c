/// The access-token cache as a state machine, apart from any I/O.
///
/// Callers `acquire` a token. The first caller that finds none starts one fetch; everyone arriving while it runs
/// waits for it (single flight). A token is refreshed ahead of expiry, by a skew capped at a quarter of its lifetime:
/// in that window the first caller starts a background refresh and everyone keeps using the current token. A token
/// the API rejected (401) is dropped. A refusal from the token endpoint is final: later acquires fail at once, so a
/// wrong secret causes exactly one token request.
struct TokenStateMachine: Sendable {
    enum State: Sendable {
        /// No token and no fetch.
        case idle
        /// A fetch is running; `current` is a still-valid token being refreshed ahead of expiry, if any.
        case fetching(current: AccessToken?)
        /// A token to use until `refreshAt`.
        case ready(AccessToken, refreshAt: ContinuousClock.Instant)
        /// The token endpoint refused the credentials.
        case failed(CMOError)
    }

    /// What `acquire` tells the caller to do.
    enum AcquireAction: Sendable {
        /// Use this token.
        case use(AccessToken)
        /// Use this token, and start a background fetch.
        case useAndStartFetch(AccessToken)
        /// Start a fetch and wait for it.
        case startFetchAndWait
        /// A fetch is running: wait for it.
        case wait
        /// Fail with this error.
        case fail(CMOError)
    }

    /// What the end of a fetch tells the caller to do with the waiters.
    enum FetchCompletionAction: Sendable {
        case succeedWaiters(AccessToken)
        case failWaiters(CMOError)
    }

    private(set) var state: State = .idle
    let refreshSkew: Duration

    init(refreshSkew: Duration) {
        self.refreshSkew = refreshSkew
    }

    /// When a token received now should be refreshed.
    func refreshTime(for token: AccessToken) -> ContinuousClock.Instant {
        let skew = min(refreshSkew, token.lifetime / 4)
        return token.expiresAt - skew
    }

    mutating func acquire(now: ContinuousClock.Instant) -> AcquireAction {
        switch state {
        case .idle:
            state = .fetching(current: nil)
            return .startFetchAndWait
        case .fetching(let current):
            if let current, now < current.expiresAt { return .use(current) }
            state = .fetching(current: nil)
            return .wait
        case .ready(let token, let refreshAt):
            if now < refreshAt { return .use(token) }
            if now < token.expiresAt {
                state = .fetching(current: token)
                return .useAndStartFetch(token)
            }
            state = .fetching(current: nil)
            return .startFetchAndWait
        case .failed(let error):
            return .fail(error)
        }
    }

    mutating func fetchSucceeded(_ token: AccessToken) -> FetchCompletionAction {
        state = .ready(token, refreshAt: refreshTime(for: token))
        return .succeedWaiters(token)
    }

    /// A fetch failed. `final` errors (the endpoint refused the credentials) stick; others let the next acquire try
    /// again, keeping a still-valid current token in use.
    mutating func fetchFailed(_ error: CMOError, final: Bool, now: ContinuousClock.Instant) -> FetchCompletionAction {
        if final {
            state = .failed(error)
        } else if case .fetching(let current?) = state, now < current.expiresAt {
            // Try the refresh again in a little while rather than on every request.
            state = .ready(current, refreshAt: min(current.expiresAt, now + .seconds(1)))
        } else {
            state = .idle
        }
        return .failWaiters(error)
    }

    /// The API answered 401 to a request made with `token` and sent at `sentAt`: forget the current token when it
    /// is that one or no newer than the request. A token received after the request was sent is kept, so that many
    /// requests failing together cause one new fetch. (Servers count `exp` in whole seconds, so a token may expire
    /// up to a second before its `expires_in` says; any token as old as the failed request is suspect.)
    mutating func rejected(_ token: AccessToken, sentAt: ContinuousClock.Instant) {
        func stale(_ current: AccessToken) -> Bool {
            current.value == token.value || current.receivedAt <= sentAt
        }
        switch state {
        case .ready(let current, _) where stale(current):
            state = .idle
        case .fetching(let current?) where stale(current):
            state = .fetching(current: nil)
        default:
            break
        }
    }
}
