import CMOTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP server on 127.0.0.1 (Hummingbird, port 0) standing in for Slack, Teams or any webhook: it keeps
/// every POST (path and body) in arrival order and answers each with the status `answer` gives for its number
/// (0 for the first).
enum WebhookReceiver {
    /// One POST received.
    struct Received: Sendable {
        var path: String
        var body: String

        /// The body as a JSON object (nil when it is not one).
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    /// What arrived so far.
    final class Log: Sendable {
        private let entries = Mutex<[Received]>([])

        func append(_ entry: Received) -> Int {
            entries.withLock { entries in
                entries.append(entry)
                return entries.count - 1
            }
        }

        var all: [Received] { entries.withLock { $0 } }

        /// Waits (polling, at most `seconds`) until `count` POSTs arrived, and returns them.
        func waitFor(_ count: Int, seconds: Double = 30) async throws -> [Received] {
            try await waitUntil(seconds: seconds) { $0.count >= count }
        }

        /// Waits (polling, at most `seconds`) until what arrived satisfies `done`, and returns it.
        func waitUntil(seconds: Double = 30, _ done: ([Received]) -> Bool) async throws -> [Received] {
            let deadline = Date().addingTimeInterval(seconds)
            while !done(all), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            return all
        }
    }

    /// Runs the receiver for the duration of `body`, passing its base URL (`http://127.0.0.1:PORT`) and the log.
    static func withReceiver<T: Sendable>(
        answer: @escaping @Sendable (Int) -> HTTPResponse.Status = { _ in .ok },
        _ body: @Sendable (String, Log) async throws -> T
    ) async throws -> T {
        let log = Log()
        let router = Router()
        router.post("/**") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            let number = log.append(Received(path: request.uri.path, body: String(buffer: bytes)))
            return Response(status: answer(number))
        }
        return try await LoopbackServer.with(router, label: "webhook-receiver") { base in try await body(base, log) }
    }
}
