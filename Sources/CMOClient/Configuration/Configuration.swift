/// Everything a `CMOClient` needs to talk to one tenant of the CMO API.
///
/// Build it directly, or with `Configuration.load(...)` from command-line flags, the environment and a profile of
/// the configuration file.
public struct Configuration: Sendable {
    /// The API URL: everything before `/{tenant}`, e.g.
    /// `https://host/api-gw/connection-management-orchestrator/v5`.
    public var apiURL: String
    /// The tenant, the path segment after `apiURL`.
    public var tenant: String
    /// How to get access tokens.
    public var auth: Auth
    /// Connect, read and whole-request timeouts.
    public var timeout: Timeout
    /// When and how long to wait before trying a failed request again.
    public var retry: RetryPolicy
    /// Caps on requests in flight and per second.
    public var limits: Limits
    /// How `awaitMonitor` polls.
    public var monitorPolling: MonitorPolling
    /// Log every request and response (line, status, timing, headers, bodies) at `debug` level, with
    /// `Authorization`, `client_secret` and `access_token` redacted.
    public var httpDebug: Bool
    /// The backends and their known rate limits: requests naming a product are spaced by their backend's
    /// `requestsPerSecond` (1NCE: 10), apart from other backends'.
    public var backends: BackendCatalogue
    /// Extra trusted CAs and the client certificate for TLS.
    public var tls: TLS
    /// Outbound proxies and the hosts that bypass them.
    public var proxy: Proxy
    /// Where the client reads the time and waits (token expiry, retry back-off, pacing, monitor polling): the
    /// system's clocks, or a ``SimulatedClock`` in `cmo test`.
    public var clock: any CMOClock
    /// Sees every answered API request (`cmo run --record`); nil for none.
    public var recorder: (any ExchangeRecorder)?
    /// Answers API requests instead of the network (`cmo run --replay`); nil: the network.
    public var responder: (any ExchangeResponder)?
    /// A pace shared with other processes that every request awaits (`cmo run --tenant-rate-limit`); nil for none.
    public var sharedPace: (any SharedRequestPace)?

    /// Creates a configuration; everything but the endpoint and credentials has a default.
    public init(
        apiURL: String,
        tenant: String,
        auth: Auth,
        timeout: Timeout = Timeout(),
        retry: RetryPolicy = RetryPolicy(),
        limits: Limits = Limits(),
        monitorPolling: MonitorPolling = MonitorPolling(),
        httpDebug: Bool = false,
        backends: BackendCatalogue = .standard,
        tls: TLS = TLS(),
        proxy: Proxy = Proxy(),
        clock: any CMOClock = SystemClock(),
        recorder: (any ExchangeRecorder)? = nil,
        responder: (any ExchangeResponder)? = nil,
        sharedPace: (any SharedRequestPace)? = nil
    ) {
        self.apiURL = apiURL
        self.tenant = tenant
        self.auth = auth
        self.timeout = timeout
        self.retry = retry
        self.limits = limits
        self.monitorPolling = monitorPolling
        self.httpDebug = httpDebug
        self.backends = backends
        self.tls = tls
        self.proxy = proxy
        self.clock = clock
        self.recorder = recorder
        self.responder = responder
        self.sharedPace = sharedPace
    }

    /// The URL prefix of every API path: `apiURL/tenant/`.
    var tenantBaseURL: String {
        var base = apiURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(tenant)/"
    }
}

extension Configuration {
    /// Client-credentials settings for the token endpoint.
    public struct Auth: Sendable {
        /// How the client id and secret travel to the token endpoint.
        public enum CredentialStyle: String, Sendable, CaseIterable {
            /// `client_id` and `client_secret` as form fields (the tutorial's way).
            case form
            /// HTTP Basic authentication.
            case basic
        }

        /// The full token URL, e.g. `https://host/auth/realms/REALM/protocol/openid-connect/token`.
        public var tokenURL: String
        /// The client id.
        public var clientID: String
        /// The client secret.
        public var clientSecret: Secret
        /// Form fields (default) or HTTP Basic.
        public var credentialStyle: CredentialStyle
        /// The `scope` form field; `nil` sends none.
        public var scope: String?
        /// How long before expiry a token is refreshed; capped at a quarter of the token's lifetime so that
        /// short-lived tokens are still reused.
        public var refreshSkew: Duration

        public init(
            tokenURL: String,
            clientID: String,
            clientSecret: Secret,
            credentialStyle: CredentialStyle = .form,
            scope: String? = "openid",
            refreshSkew: Duration = .seconds(30)
        ) {
            self.tokenURL = tokenURL
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.credentialStyle = credentialStyle
            self.scope = scope
            self.refreshSkew = refreshSkew
        }
    }

    /// Timeouts for every HTTP request.
    public struct Timeout: Sendable {
        /// Establishing a connection.
        public var connect: Duration
        /// Silence while waiting for response bytes.
        public var read: Duration
        /// One whole attempt, from sending to the last body byte.
        public var request: Duration

        public init(connect: Duration = .seconds(5), read: Duration = .seconds(30), request: Duration = .seconds(60)) {
            self.connect = connect
            self.read = read
            self.request = request
        }
    }

    /// Caps on the load the client puts on the API.
    public struct Limits: Sendable {
        /// Requests (token requests excluded) allowed in flight at once; also the connection pool size.
        public var maxInFlight: Int
        /// Requests started per second, spread evenly, for all backends together; `nil` for no limit. Each
        /// backend's own limit comes from `Configuration.backends` (1NCE: 10).
        public var requestsPerSecond: Double?
        /// Requests started per second for every process of the tenant and client together
        /// (`--tenant-rate-limit`, profile key `tenant_rate_limit`); `nil` for no such limit. The client does not
        /// keep it itself: whoever builds the client supplies a ``Configuration/sharedPace`` that does.
        public var tenantRequestsPerSecond: Double?

        public init(maxInFlight: Int = 64, requestsPerSecond: Double? = nil, tenantRequestsPerSecond: Double? = nil) {
            self.maxInFlight = max(1, maxInFlight)
            self.requestsPerSecond = requestsPerSecond.flatMap { $0 > 0 ? $0 : nil }
            self.tenantRequestsPerSecond = tenantRequestsPerSecond.flatMap { $0 > 0 ? $0 : nil }
        }
    }

    /// The polling schedule of `awaitMonitor`: the interval starts at `initialInterval` and grows by `multiplier`
    /// up to `maximumInterval`; a `Retry-After` from the server takes precedence.
    public struct MonitorPolling: Sendable {
        /// The first wait between polls.
        public var initialInterval: Duration
        /// The longest wait between polls.
        public var maximumInterval: Duration
        /// The growth of the wait after each poll (at least 1).
        public var multiplier: Double

        public init(
            initialInterval: Duration = .milliseconds(500),
            maximumInterval: Duration = .seconds(5),
            multiplier: Double = 1.5
        ) {
            self.initialInterval = initialInterval
            self.maximumInterval = maximumInterval
            self.multiplier = max(1, multiplier)
        }
    }
}
