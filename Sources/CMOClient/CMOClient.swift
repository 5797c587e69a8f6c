import AsyncHTTPClient
import Logging
import NIOCore

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
    private let ownsHTTPClient: Bool
    let tokens: TokenProvider
    let limiter: RequestLimiter
    let metrics: ClientMetrics
    let baseURL: String
    let debugLog: HTTPDebugLog?

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - logger: The logger for retries, token refreshes and (with `httpDebug`) HTTP traffic; never built here.
    ///   - httpClient: A client to share; when `nil`, the client makes its own with a connection pool sized to
    ///     `limits.maxInFlight`, and `shutdown()` shuts it down.
    public init(configuration: Configuration, logger: Logger, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.logger = logger
        if let httpClient {
            self.httpClient = httpClient
            self.ownsHTTPClient = false
        } else {
            self.httpClient = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: Self.httpClientConfiguration(for: configuration))
            self.ownsHTTPClient = true
        }
        let metrics = ClientMetrics()
        self.metrics = metrics
        self.limiter = RequestLimiter(
            limits: configuration.limits, backends: configuration.backends,
            maximumWait: configuration.retry.maximumRetryAfter)
        self.baseURL = configuration.tenantBaseURL
        let debugLog = configuration.httpDebug ? HTTPDebugLog(logger: logger) : nil
        self.debugLog = debugLog
        let fetcher = TokenFetcher(
            configuration: configuration, httpClient: self.httpClient, logger: logger, metrics: metrics,
            debugLog: debugLog)
        self.tokens = TokenProvider(refreshSkew: configuration.auth.refreshSkew) { await fetcher.fetch() }
    }

    /// The `HTTPClient` settings the client uses when it makes its own.
    public static func httpClientConfiguration(for configuration: Configuration) -> HTTPClient.Configuration {
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
        return http
    }

    /// Shuts down the HTTP client when the client made it. Call once, after the last request.
    public func shutdown() async throws {
        if ownsHTTPClient {
            try await httpClient.shutdown()
        }
    }

    /// What the client has done so far.
    public var statistics: Statistics { metrics.snapshot }

    /// A valid access token, fetched when needed (for `cmo token`; requests get theirs on their own).
    public func accessToken() async throws(CMOError) -> AccessToken {
        try await tokens.token()
    }
}
