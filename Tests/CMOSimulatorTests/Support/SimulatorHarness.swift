import AsyncHTTPClient
import CMOSimulator
import CMOTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A response read in full, with its body parsed as JSON when it is JSON.
struct HTTPResult: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:]
    }

    /// The body as any JSON value.
    var jsonValue: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }

    func header(_ name: String) -> String? { headers.first(name: name) }

    /// Whether the body is the simulator's RFC 7807 problem for this status.
    var isProblem: Bool {
        let body = json
        return body["status"] as? Int == status && body["@type"] as? String == "problem"
            && body["type"] is String && body["title"] as? String == "Error" && body["detail"] is String
            && body["instance"] is String && body["externalErrors"] is [Any]
            && (body["traceId"] as? String)?.count == 32
    }
}

/// Talks to a simulator over real HTTP.
struct SimulatorHarness: Sendable {
    let sim: CMOSimulator

    /// Lets the simulator's warnings through: these tests are about the simulator.
    static let logger: Logger = {
        var logger = Logger(label: "cmo.sim.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Starts a simulator (a ``TestSimulator``), runs `body`, and stops the simulator, waiting for the stop.
    static func with<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(fleetSize: 200, seed: 7),
        _ body: (SimulatorHarness) async throws -> T
    ) async throws -> T {
        try await TestSimulator.with(configuration, logger: logger) { simulator in
            try await body(SimulatorHarness(sim: simulator.simulator))
        }
    }

    /// `<apiURL>/<tenant>`.
    var tenantURL: String { sim.apiURL + "/" + sim.defaultTenant }

    /// Sends a request and reads the whole answer.
    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return HTTPResult(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }

    /// Fetches a token for `client` (the default client when `nil`) with form fields.
    func token(_ client: SimulatorClient? = nil) async throws -> String {
        let client = client ?? sim.defaultClient
        let form = "grant_type=client_credentials&client_id=\(client.id)&client_secret=\(client.secret)&scope=openid"
        let result = try await send(
            .POST, sim.authURL, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8)
        )
        guard result.status == 200, let token = result.json["access_token"] as? String else {
            throw HarnessError("token request failed: \(result.status) \(result.text)")
        }
        return token
    }

    /// `GET <tenantURL>/<path>` with a bearer token.
    func get(_ path: String, token: String) async throws -> HTTPResult {
        try await send(.GET, tenantURL + "/" + path, headers: [("Accept", "application/json"), ("Authorization", "Bearer \(token)")])
    }

    /// `PATCH <tenantURL>/product/<id>` with a JSON Patch body.
    func patch(
        _ id: String, _ body: String, token: String, contentType: String = "application/json-patch+json"
    ) async throws -> HTTPResult {
        try await send(
            .PATCH, tenantURL + "/product/" + id,
            headers: [("Content-Type", contentType), ("Accept", "application/json"), ("Authorization", "Bearer \(token)")],
            body: Array(body.utf8)
        )
    }

    /// A `replace /status` patch document.
    static func statusPatch(_ status: String) -> String {
        #"[{"op":"replace","path":"/status","value":"\#(status)"}]"#
    }

    /// Polls `GET monitor/<id>` until its state is not `InProgress` (at most `attempts` times, 20 ms apart).
    func waitForMonitor(_ id: String, token: String, attempts: Int = 500) async throws -> HTTPResult {
        for _ in 0..<attempts {
            let result = try await get("monitor/" + id, token: token)
            if result.json["state"] as? String != "InProgress" { return result }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("monitor \(id) still in progress")
    }

    /// The first product matching `predicate`.
    func product(where predicate: (SimulatedProduct) -> Bool) throws -> SimulatedProduct {
        guard let product = sim.products.first(where: predicate) else { throw HarnessError("no such product in the fleet") }
        return product
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
