import Hummingbird

/// A tiny real HTTP server for answers the simulator never gives, such as a truncated JSON body: a
/// ``ScriptedServer`` that serves a valid token at `/token` and `body` with `status` on every other path.
enum TinyServer {
    /// Runs the server for the duration of `body`, passing its base URL (`http://127.0.0.1:PORT`).
    static func withServer<T: Sendable>(
        status: HTTPResponse.Status = .ok,
        body responseBody: String,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        try await ScriptedServer.withServer({ _ in ScriptedServer.Answer(status: status, body: responseBody) }) { base, _ in
            try await body(base)
        }
    }
}
