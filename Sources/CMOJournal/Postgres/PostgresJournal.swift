import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL ``Journal``: one database shared by processes on several hosts (schedule replicas, workers,
/// teams behind one tenant's rate limit), through postgres-nio's connection pool.
///
/// Every write is a transaction committed before its call returns (PostgreSQL's `synchronous_commit` decides its
/// durability, `on` by default). Writes queued in background run in order on one task. A connection that breaks
/// (the server restarted, a session terminated) is replaced by the pool; a write that failed on it is tried again
/// on a fresh connection, once the server answers (see ``PostgresJournal/retrying(_:_:)``).
public final class PostgresJournal: Sendable {
    /// Where the journal is, without its password.
    public let location: String
    let pool: PostgresPool
    let logger: Logger
    let background: PostgresBackgroundWriter
    /// How long a write keeps trying while the server is away (restarting, failing over).
    let reconnectWindow: Duration
    /// How long one try of a statement may take before its pool is taken for stuck and replaced.
    let attemptLimit: Duration

    private init(
        location: PostgresLocation, pool: PostgresPool, logger: Logger, reconnectWindow: Duration,
        attemptLimit: Duration
    ) {
        self.location = location.redacted
        self.pool = pool
        self.logger = logger
        self.reconnectWindow = reconnectWindow
        self.attemptLimit = attemptLimit
        background = PostgresBackgroundWriter()
    }

    deinit {
        pool.shutdown()
    }

    /// Connects to `location` and migrates its schema to this build's version.
    ///
    /// - Parameters:
    ///   - reconnectWindow: how long a statement keeps trying while the server does not answer (default 60 s).
    ///   - attemptLimit: how long one try may take before the pool is replaced and the statement tried again on a
    ///     fresh connection (default 20 s: far beyond any statement of the journal, which hold no lock for long).
    public static func open(
        _ location: PostgresLocation, logger: Logger = Logger(label: "cmo.journal"),
        reconnectWindow: Duration = .seconds(60), attemptLimit: Duration = .seconds(20), maximumConnections: Int = 8
    ) async throws(JournalError) -> PostgresJournal {
        // One plain connection first: a wrong password, a missing database or a server that is not there fails
        // here at once, where the pool would keep trying its connections for a minute.
        _ = try await schemaVersion(at: location, logger: logger)
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: location.requiresTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = max(2, maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        // A transaction left open by a client that stopped (SIGSTOP, a frozen VM) would keep its row locks: a
        // distributed run's shard could not be taken over. The server ends such a session after 10 s.
        configuration.options.additionalStartupParameters = [("idle_in_transaction_session_timeout", "10s")]
        // The pool's own messages (each failed connection attempt while the server restarts) stay below warnings;
        // ``retrying(_:_:)`` says once that the journal's server went away and once that it is back.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let journal = PostgresJournal(
            location: location, pool: PostgresPool(configuration: configuration, logger: poolLogger),
            logger: logger, reconnectWindow: reconnectWindow, attemptLimit: attemptLimit)
        journal.background.start(journal)
        do {
            try await journal.migrate()
        } catch {
            throw JournalError(.unavailable, "cannot open the journal at \(location): \(describe(error))")
        }
        return journal
    }

    /// Stops the connection pool (after the background writes queued so far).
    public func close() async {
        try? await sync()
        pool.shutdown()
    }

    /// Runs `body` in a transaction, retried on a fresh connection while the server is away (a broken connection,
    /// a restart, a terminated session) for at most ``reconnectWindow``; other errors are thrown at once. A
    /// transaction either committed or did not: one whose COMMIT was sent but not answered may have committed, so a
    /// body must be safe to run twice (ours insert with their own keys or `ON CONFLICT`).
    func transaction<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(JournalError) -> T {
        try await retrying(what) { [logger] client in
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Runs `body` (one statement or a transaction) on the pool's client, retried while the server is away; see
    /// ``transaction(_:_:)``. A try that takes longer than ``attemptLimit`` counts as a lost connection: the pool
    /// is replaced and the body runs again on the fresh one.
    func retrying<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws(JournalError) -> T {
        let deadline = ContinuousClock.now + reconnectWindow
        var pause = Duration.milliseconds(50)
        var lost = false
        while true {
            let generation = pool.generation
            do {
                let value = try await PostgresAttempt.run(within: attemptLimit) { try await body(generation.client) }
                if lost { logger.warning("the journal's database answers again", metadata: ["journal": "\(location)"]) }
                return value
            } catch let error as JournalError {
                throw error
            } catch {
                let stuck = error is PostgresAttempt.TimedOut
                guard stuck || Self.isConnectionLoss(error), ContinuousClock.now < deadline, !Task.isCancelled else {
                    throw JournalError(.storage, "cannot \(what) in the journal at \(location): \(Self.describe(error))")
                }
                if !lost {
                    logger.warning(
                        "the journal's database went away; trying again",
                        metadata: ["journal": "\(location)", "error": "\(Self.describe(error))"])
                    lost = true
                }
                if stuck { pool.replace(generation) }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
            }
        }
    }

    /// Whether `error` means the connection or the server went away (try again), not that the statement failed.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return true
            case .server:
                // admin_shutdown, crash_shutdown, cannot_connect_now, and the class 08 connection exceptions.
                let state = error.serverInfo?[.sqlState] ?? ""
                return ["57P01", "57P02", "57P03"].contains(state) || state.hasPrefix("08")
            default:
                return false
            }
        }
        if let error = error as? PostgresTransactionError {
            return error.closureError.map(isConnectionLoss) ?? error.beginError.map(isConnectionLoss) ?? error.commitError.map(isConnectionLoss) ?? false
        }
        return error is ChannelError || error is IOError
    }

    /// An error's text for messages: the server's message and SQLSTATE, never the query's values.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
            }
            return "\(error.code)"
        }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return describe(inner) }
        }
        if let error = error as? JournalError { return error.message }
        if let error = error as? PostgresAttempt.TimedOut { return "no answer within \(error.limit)" }
        return "\(error)"
    }
}
