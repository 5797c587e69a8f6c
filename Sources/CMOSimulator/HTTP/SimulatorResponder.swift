#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CMOClient
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Answers every request of the simulator: the token endpoint, the CMO API and the `/_sim` extension.
///
/// One hand-written dispatcher instead of a router, so that unknown paths and wrong methods answer problem bodies,
/// and the hot path (`GET product/{id}`) costs a few dictionary look-ups and memory copies.
struct SimulatorResponder: HTTPResponder {
    typealias Context = SimulatorRequestContext

    /// Path of the API up to the tenant.
    static let apiPrefix = "/connection-management-orchestrator/v5/"

    let configuration: SimulatorConfiguration
    let store: FleetStore
    let tokens: TokenRegistry
    let rateLimiter: RateLimiter?
    /// Per-backend limits (the catalogue's `requestsPerSecond`, 1NCE's 10/s), one bucket per client and tenant.
    let backendLimiters: [String: RateLimiter]
    let quota: QuotaLimiter?
    let faults: FaultInjector
    let address: ServerAddress
    let clients: [String: SimulatorClient]
    let tokenPath: String

    init(configuration: SimulatorConfiguration, store: FleetStore, address: ServerAddress) {
        self.configuration = configuration
        self.store = store
        self.address = address
        self.tokens = TokenRegistry(ttl: configuration.tokenTTL)
        self.rateLimiter = configuration.rateLimit.map { RateLimiter(rate: $0) }
        var backendLimiters: [String: RateLimiter] = [:]
        for profile in configuration.backends.profiles.values {
            if let rate = profile.requestsPerSecond { backendLimiters[profile.name] = RateLimiter(rate: rate) }
        }
        self.backendLimiters = backendLimiters
        self.quota = configuration.quotaPerHour.map { QuotaLimiter(limit: $0) }
        self.faults = FaultInjector(configuration: configuration)
        self.clients = Dictionary(configuration.clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.tokenPath = "/auth/realms/\(configuration.realm)/protocol/openid-connect/token"
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let correlationID = request.headers[.correlationID].flatMap { $0.isEmpty || $0.utf8.count > 128 ? nil : $0 }
            ?? Identifiers.uuid()
        if path.hasPrefix(Self.apiPrefix) {
            return try await respondToAPI(request, path: path, context: context, correlationID: correlationID)
        }
        if path == tokenPath {
            let plan = faults.next()
            await Self.delay(plan.delayMilliseconds, on: context.channel.eventLoop)
            return await respondToToken(request, correlationID: correlationID)
        }
        if path.hasPrefix("/auth/realms/") {
            return OAuthError(.notFound, error: "invalid_request", description: "Realm or endpoint does not exist").response(correlationID: correlationID)
        }
        if path.hasPrefix("/_sim/") {
            return respondToInspection(request, path: path, correlationID: correlationID)
        }
        return Problem.notFound("No resource at this path.").response(instance: path, correlationID: correlationID)
    }

    /// The current time in epoch milliseconds, on the configuration's clock.
    func nowMillis() -> Int64 {
        configuration.clock.epochMilliseconds
    }

    /// Wraps JSON bytes in a `200`-style response with the usual headers.
    static func json(_ status: HTTPResponse.Status, _ body: ByteBuffer, correlationID: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.correlationID] = correlationID
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}

/// Thrown to make Hummingbird give up on a request whose connection the simulator closed on purpose.
struct DroppedConnection: Error {}

/// The address the server is reachable at, known once it is bound.
final class ServerAddress: Sendable {
    private let value = Locked<String>("")
    private let root = Locked<String>("")

    /// `http://HOST:PORT`.
    var baseURL: String {
        get { root.withLock { $0 } }
        set { root.withLock { $0 = newValue } }
    }

    /// Everything before `/{tenant}`, e.g. `http://127.0.0.1:8080/connection-management-orchestrator/v5`.
    var apiURL: String {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }

    /// The base of a tenant's links, `<apiURL>/<tenant>`, as bytes (cached per tenant).
    func base(tenant: String) -> [UInt8] {
        if let cached = bases.withLock({ $0[tenant] }) { return cached }
        var bytes = Array(apiURL.utf8)
        bytes.append(UInt8(ascii: "/"))
        JSONWriter.escape(tenant, into: &bytes)
        bases.withLock { bases in
            if bases.count < 1000 { bases[tenant] = bytes }
        }
        return bytes
    }

    private let bases = Locked<[String: [UInt8]]>([:])
}
