import Logging
import PostgresNIO
import Synchronization

/// The journal's connection pool, replaceable: when a statement gets no answer in time (a lease that never comes,
/// a connection that went quiet after the server restarted), ``replace(_:)`` retires the pool and starts a fresh
/// one, so a stuck pool can never hang a run.
final class PostgresPool: Sendable {
    /// A pool and the number that tells it from the pools before it.
    struct Generation: Sendable {
        let client: PostgresClient
        let number: Int
        fileprivate let runner: Task<Void, Never>
    }

    private let configuration: PostgresClient.Configuration
    private let logger: Logger
    private let current: Mutex<Generation>

    /// A pool for `configuration`, running at once; its own messages go to `logger`.
    init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        current = Mutex(Self.start(configuration, logger: logger, number: 1))
    }

    /// The pool in use (after ``shutdown()``, the last one, which refuses leases).
    var generation: Generation { current.withLock { $0 } }

    /// Replaces the pool `stale` with a fresh one, unless another caller did already; the stale pool's connections
    /// are closed and its waiting leases fail.
    func replace(_ stale: Generation) {
        let retired = current.withLock { running -> Generation? in
            guard running.number == stale.number else { return nil }
            defer { running = Self.start(configuration, logger: logger, number: stale.number + 1) }
            return running
        }
        retired?.runner.cancel()
    }

    /// Stops the pool in use.
    func shutdown() {
        current.withLock { $0 }.runner.cancel()
    }

    private static func start(
        _ configuration: PostgresClient.Configuration, logger: Logger, number: Int
    ) -> Generation {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return Generation(client: client, number: number, runner: Task { await client.run() })
    }
}
