import AsyncHTTPClient
import Logging
import NIOCore
import Synchronization

/// A client of one tenant of the CMO API.
///
/// It fetches and refreshes access tokens (one fetch at a time, however many requests need one), caps requests in
/// flight and per second (in all, and per backend as the catalogue and 429s say), retries what is safe to retry, and turns every failure into a `CMOError`. It knows nothing
/// of Lua. Create one per configuration, share it between tasks, and call `shutdown()` when done.
///
/// ```swift
/// let client = CMOClient(configuration: configuration, logger: logger)
/// let product = try await client.product(id: "JASPER-8949...")
/// try await client.shutdown()
/// ```
public final class CMOClient: Sendable {
    /// Counts of what the client did since it was created.
    public struct Statistics: Sendable, Hashable {
        /// HTTP attempts to the API (token requests excluded), retries included.
        public var requests: Int
        /// Retries scheduled after a failed attempt.
        public var retries: Int
        /// 429 answers received.
        public var rateLimited: Int
        /// Token requests sent.
        public var tokenFetches: Int
    }

    /// The configuration the client was built with.
    public let configuration: Configuration
    let logger: Logger
    let httpClient: HTTPClient
    /// The proxy API requests go through (`nil`: direct).
    let apiProxy: ProxyServer?
    /// The clients this client made and shuts down: the API's, and the token endpoint's when its proxy differs.
    private let ownedHTTPClients: [HTTPClient]
    let tokens: TokenProvider
    let limiter: RequestLimiter
    let metrics: ClientMetrics
    let baseURL: String
    let debugLog: HTTPDebugLog?
    /// Polls the monitors callers wait on (see ``awaitMonitor(_:timeout:interval:backend:)``).
    private let monitorPoller = Mutex<MonitorPoller?>(nil)

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - logger: The logger for retries, token refreshes and (with `httpDebug`) HTTP traffic; never built here.
    ///   - httpClient: A client to share (its TLS and proxy settings are used as they are); when `nil`, the
    ///     client makes its own with a connection pool sized to `limits.maxInFlight`, the configuration's TLS trust
    ///     and the proxy for the API's URL (plus one for the token endpoint when its proxy differs), and
    ///     `shutdown()` shuts them down.
    public init(configuration: Configuration, logger: Logger, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.logger = logger
        let tokenHTTPClient: HTTPClient
        let tokenProxy: ProxyServer?
        if let httpClient {
            self.httpClient = httpClient
            self.apiProxy = nil
            tokenHTTPClient = httpClient
            tokenProxy = nil
            self.ownedHTTPClients = []
        } else {
            let apiProxy = configuration.proxy.server(for: configuration.apiURL)
            tokenProxy = configuration.proxy.server(for: configuration.auth.tokenURL)
            let api = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: Self.httpClientConfiguration(for: configuration, proxy: apiProxy, logger: logger))
            self.httpClient = api
            self.apiProxy = apiProxy
            if tokenProxy == apiProxy {
                tokenHTTPClient = api
                self.ownedHTTPClients = [api]
            } else {
                tokenHTTPClient = HTTPClient(
                    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                    configuration: Self.httpClientConfiguration(for: configuration, proxy: tokenProxy, logger: logger))
                self.ownedHTTPClients = [api, tokenHTTPClient]
            }
            if configuration.httpDebug {
                let api = apiProxy.map { "via proxy \($0)" } ?? "direct"
                let token = tokenProxy.map { "via proxy \($0)" } ?? "direct"
                logger.debug("routes: API \(api), token endpoint \(token)")
            }
        }
        let metrics = ClientMetrics()
        self.metrics = metrics
        self.limiter = RequestLimiter(
            limits: configuration.limits, backends: configuration.backends,
            maximumWait: configuration.retry.maximumRetryAfter, clock: configuration.clock)
        self.baseURL = configuration.tenantBaseURL
        let debugLog = configuration.httpDebug ? HTTPDebugLog(logger: logger) : nil
        self.debugLog = debugLog
        let fetcher = TokenFetcher(
            configuration: configuration, httpClient: tokenHTTPClient, proxy: tokenProxy, logger: logger,
            metrics: metrics, debugLog: debugLog)
        let clock = configuration.clock
        self.tokens = TokenProvider(refreshSkew: configuration.auth.refreshSkew, now: { clock.now }) {
            await fetcher.fetch()
        }
    }

    /// The poller of monitor waits, made on first use (it calls back into the client).
    var monitors: MonitorPoller {
        monitorPoller.withLock { poller in
            if let poller { return poller }
            let made = MonitorPoller(
                maxPolling: configuration.limits.maxInFlight, clock: configuration.clock, logger: logger) { [unowned self] id, backend throws(CMOError) in
                try await self.fetchMonitor(id: id, backend: backend)
            }
            poller = made
            return made
        }
    }

    /// The `HTTPClient` settings the client uses when it makes its own.
    public static func httpClientConfiguration(for configuration: Configuration) -> HTTPClient.Configuration {
        httpClientConfiguration(
            for: configuration, proxy: configuration.proxy.server(for: configuration.apiURL), logger: nil)
    }

    /// The `HTTPClient` settings for requests that go through `proxy` (`nil`: direct).
    static func httpClientConfiguration(
        for configuration: Configuration, proxy: ProxyServer?, logger: Logger?
    ) -> HTTPClient.Configuration {
        var http = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: configuration.timeout.connect.timeAmount, read: configuration.timeout.read.timeAmount),
            connectionPool: .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.limits.maxInFlight))
        http.httpVersion = .automatic
        // Connection failures come back at once and go through the client's own retry policy (with backoff and
        // the PATCH safety rules) instead of AHC's silent re-connecting until the connect timeout.
        http.connectionPool.retryConnectionEstablishment = false
        // No distributed tracing: the client logs and counts instead, and a span per request costs throughput.
        http.tracing.tracer = nil
        do {
            http.tlsConfiguration = try configuration.tls.makeTLSConfiguration()
        } catch {
            // Configuration.load checked the files; one that went away since leaves the system's trust only.
            logger?.error("TLS settings unusable, trusting the system's CAs only: \(error.message)")
        }
        if let proxy {
            let authorization = proxy.username.map {
                HTTPClient.Authorization.basic(username: $0, password: proxy.password?.value ?? "")
            }
            http.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        return http
    }

    /// Shuts down the HTTP client when the client made it. Call once, after the last request.
    public func shutdown() async throws {
        for client in ownedHTTPClients {
            try await client.shutdown()
        }
    }

    /// What the client has done so far.
    public var statistics: Statistics { metrics.snapshot }

    /// A valid access token, fetched when needed (for `cmo token`; requests get theirs on their own).
    public func accessToken() async throws(CMOError) -> AccessToken {
        try await tokens.token()
    }
}
