import Hummingbird
import Logging
import NIOCore

/// A tiny real HTTP server (Hummingbird on 127.0.0.1, port 0) for answers the simulator never gives, such as a
/// truncated JSON body. It serves a valid token at `/token` and `body` with `status` on every other path.
enum TinyServer {
    /// Runs the server for the duration of `body`, passing its base URL (`http://127.0.0.1:PORT`).
    static func withServer<T: Sendable>(
        status: HTTPResponse.Status = .ok,
        body responseBody: String,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.post("/token") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"access_token":"tiny-token","expires_in":300}"#)))
        }
        router.get("/**") { _, _ in
            Response(
                status: status, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: responseBody)))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "tiny-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        }
    }
}
