import Hummingbird
import Logging

/// Serves a Hummingbird router on 127.0.0.1 at a free port for the duration of a body: the test servers that stand
/// in for what the simulator is not (a scripted API, a webhook receiver) share this.
package enum LoopbackServer {
    /// Runs `router` until `body` returns, passing `body` the server's base URL (`http://127.0.0.1:PORT`).
    package static func with<T: Sendable>(
        _ router: Router<BasicRequestContext>, label: String, _ body: (String) async throws -> T
    ) async throws -> T {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: label)
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
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }
}
