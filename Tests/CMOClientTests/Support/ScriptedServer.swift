import CMOTestSupport
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A small real HTTP server (Hummingbird on 127.0.0.1, port 0) whose API answers come from a closure, for server
/// behaviour the simulator does not have: a `Retry-After` of an hour on one backend, a paginated find, a 400 with
/// an `errors` array. `/token` gives a valid token; every other request is logged (`METHOD path?query`) in arrival
/// order and answered by `respond`.
enum ScriptedServer {
    /// One answer.
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: [String: String] = [:]
        var body: String = "{}"
    }

    /// One request as the handler sees it.
    struct Request: Sendable {
        var method: String
        var path: String
        var query: String
        var body: String
        /// The number of earlier requests to the same path, method and query.
        var repeats: Int
    }

    /// What the server received, in order.
    final class Log: Sendable {
        private let entries = Mutex<[String]>([])

        /// Appends `entry` and returns how many equal entries came before.
        func append(_ entry: String) -> Int {
            entries.withLock { entries in
                let repeats = entries.count { $0 == entry }
                entries.append(entry)
                return repeats
            }
        }

        var all: [String] { entries.withLock { $0 } }
    }

    /// Runs the server for the duration of `body`, passing its base URL (`http://127.0.0.1:PORT`) and the log.
    static func withServer<T: Sendable>(
        _ respond: @escaping @Sendable (Request) -> Answer,
        _ body: @Sendable (String, Log) async throws -> T
    ) async throws -> T {
        let log = Log()
        let router = Router()
        router.post("/token") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"access_token":"scripted-token","expires_in":300}"#)))
        }
        let handler: @Sendable (Hummingbird.Request, BasicRequestContext) async throws -> Response = { request, _ in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            let method = request.method.rawValue
            let path = request.uri.path
            let query = request.uri.query ?? ""
            let repeats = log.append("\(method) \(path)" + (query.isEmpty ? "" : "?\(query)"))
            let answer = respond(
                Request(
                    method: method, path: path, query: query, body: String(buffer: bytes), repeats: repeats))
            var headers: HTTPFields = [.contentType: "application/json"]
            for (name, value) in answer.headers {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
            return Response(
                status: answer.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.get("/**", use: handler)
        router.post("/**", use: handler)
        router.patch("/**", use: handler)
        return try await LoopbackServer.with(router, label: "scripted-server") { base in try await body(base, log) }
    }
}
