import CMOClient
import HTTPTypes
import Hummingbird
import NIOCore

/// The CMO API: faults, authentication, rate limit, then the resource.
extension SimulatorResponder {
    /// A request for the API, after the tenant and the token were checked.
    struct APIRequest {
        var request: Request
        var tenant: String
        var resource: [Substring]
        var token: IssuedToken
        var correlationID: String
        var instance: String
        var now: Int64
        /// `<api_url>/<tenant>` for links.
        var base: [UInt8]
    }

    func respondToAPI(_ request: Request, path: String, context: Context, correlationID: String) async throws -> Response {
        let plan = faults.next()
        await Self.delay(plan.delayMilliseconds, on: context.channel.eventLoop)
        if let fault = plan.fault {
            var problem = Problem(fault, "Injected fault: the request was not processed.")
            if fault == .serviceUnavailable { problem.headers[.retryAfter] = "1" }
            return problem.response(instance: path, correlationID: correlationID)
        }
        if plan.drop, configuration.dropMode == .beforeProcessing {
            try await drop(context)
        }
        let response = await processAPI(request, path: path, correlationID: correlationID)
        if plan.drop {
            try await drop(context)
        }
        return response
    }

    /// Waits `milliseconds` (the simulated latency) on a timer of the connection's event loop: at thousands of
    /// requests a second this costs far less than `Task.sleep`'s dispatch timers and their thread wake-ups.
    static func delay(_ milliseconds: Int, on eventLoop: any EventLoop) async {
        guard milliseconds > 0 else { return }
        let timer = eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {}
        await withTaskCancellationHandler {
            try? await timer.futureResult.get()
        } onCancel: {
            timer.cancel()
        }
    }

    /// Closes the connection and abandons the request.
    private func drop(_ context: Context) async throws -> Never {
        try? await context.channel.close()
        throw DroppedConnection()
    }

    private func processAPI(_ request: Request, path: String, correlationID: String) async -> Response {
        let rest = path.dropFirst(Self.apiPrefix.count)
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false)
        let now = nowMillis()
        var rateHeaders: HTTPFields = [:]
        do {
            let token: IssuedToken
            switch tokens.validate(authorization: request.headers[.authorization].map { Substring($0) }, now: now) {
            case .success(let valid): token = valid
            case .failure(let rejection): throw Problem.unauthorized(rejection, realm: configuration.realm)
            }
            guard let tenantSegment = segments.first, !tenantSegment.isEmpty else {
                throw Problem.notFound("No tenant in the path.")
            }
            let tenant = String(tenantSegment)
            guard token.tenants.contains(tenant) else {
                throw Problem(.forbidden, "The access token does not grant tenant '\(QueryString.decode(tenantSegment, plusIsSpace: false))'.")
            }
            let seconds = Double(now) / 1000
            if let quota {
                let decision = quota.take(client: token.clientID, now: seconds)
                try Self.apply(decision, to: &rateHeaders) {
                    "Rate Limit Exceeded: try a new request after 1 hour; consider batching (quota of \($0) requests per hour)."
                }
            }
            if let rateLimiter {
                let decision = rateLimiter.take(client: token.clientID, now: seconds)
                try Self.apply(decision, to: &rateHeaders) { "Rate limit of \($0) requests per second exceeded." }
            }
            if !backendLimiters.isEmpty, let backend = backend(of: segments.dropFirst(), now: now),
                let limiter = backendLimiters[backend]
            {
                // Per organisation: the client and the tenant it acts for.
                let decision = limiter.take(client: token.clientID + "\u{1}" + tenant, now: seconds)
                try Self.apply(decision, to: &rateHeaders) {
                    "Rate limit of \($0) requests per second for \(backend) products exceeded (per organisation)."
                }
            }
            let api = APIRequest(
                request: request, tenant: tenant, resource: Array(segments.dropFirst()), token: token,
                correlationID: correlationID, instance: path, now: now, base: address.base(tenant: tenant)
            )
            var response = try await route(api)
            if !rateHeaders.isEmpty { response.headers.append(contentsOf: rateHeaders) }
            return response
        } catch let problem as Problem {
            var response = problem.response(instance: path, correlationID: correlationID)
            if problem.status != .tooManyRequests, !rateHeaders.isEmpty { response.headers.append(contentsOf: rateHeaders) }
            return response
        } catch {
            return Problem(.badRequest, "The request could not be processed.").response(instance: path, correlationID: correlationID)
        }
    }

    /// Sets the `X-Rate-Limit-*` headers from `decision`; when it refuses, adds `Retry-After` and throws a 429.
    private static func apply(
        _ decision: RateLimiter.Decision, to headers: inout HTTPFields, detail: (Int) -> String
    ) throws(Problem) {
        headers[.rateLimitLimit] = String(decision.limit)
        headers[.rateLimitRemaining] = String(max(0, decision.remaining))
        headers[.rateLimitReset] = String(decision.retryAfterSeconds)
        if !decision.allowed {
            headers[.retryAfter] = String(decision.retryAfterSeconds)
            throw Problem(.tooManyRequests, detail(decision.limit), headers: headers)
        }
    }

    /// The backend a request is about, for per-backend limits: `product/{id}` names it in the id's prefix; a
    /// monitor is attributed to its product's backend (looked up). Lists and finds belong to no backend.
    private func backend(of resource: ArraySlice<Substring>, now: Int64) -> String? {
        guard resource.count == 2 else { return nil }
        let kind = resource[resource.startIndex]
        let id = QueryString.decode(resource[resource.startIndex + 1], plusIsSpace: false)
        if kind == "product", id != "find" { return BackendCatalogue.backendName(ofProductID: id) }
        if kind == "monitor" {
            return store.read(now: now) { fleet in fleet.monitor(id).map { BackendCatalogue.backendName(ofProductID: $0.productID) } } ?? nil
        }
        return nil
    }

    private func route(_ api: APIRequest) async throws -> Response {
        let method = api.request.method
        switch api.resource.count {
        case 1 where api.resource[0] == "product":
            guard method == .get else { throw Problem.methodNotAllowed(method, allowed: "GET") }
            return try listProducts(api)
        case 2 where api.resource[0] == "product" && api.resource[1] == "find":
            guard method == .post else { throw Problem.methodNotAllowed(method, allowed: "POST") }
            return try await findProducts(api)
        case 2 where api.resource[0] == "product":
            let id = QueryString.decode(api.resource[1], plusIsSpace: false)
            switch method {
            case .get: return try getProduct(api, id: id)
            case .patch: return try await patchProduct(api, id: id)
            default: throw Problem.methodNotAllowed(method, allowed: "GET, PATCH")
            }
        case 2 where api.resource[0] == "monitor":
            guard method == .get else { throw Problem.methodNotAllowed(method, allowed: "GET") }
            return try getMonitor(api, id: QueryString.decode(api.resource[1], plusIsSpace: false))
        default:
            throw Problem.notFound("No resource at this path.")
        }
    }

    /// Collects a request body, refusing bodies over the configured size (413).
    func collectBody(_ api: APIRequest) async throws -> [UInt8] {
        var request = api.request
        do {
            let buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
            return Array(buffer.readableBytesView)
        } catch {
            throw Problem(.contentTooLarge, "The request body exceeds \(configuration.maxBodyBytes) bytes.")
        }
    }

    /// Whether the request's Content-Type is `mediaType` (parameters and case ignored).
    static func hasContentType(_ request: Request, _ mediaType: String) -> Bool {
        guard let value = request.headers[.contentType] else { return false }
        let essence = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces() } ?? ""
        return essence.lowercased() == mediaType
    }
}
