import CMOJournal
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The daemon's window, running: a Hummingbird server serving `/metrics`, `/healthz`, `/readyz`, `/` and
/// `/runs/{id}`, read-only, from the journal and the daemon's job statuses.
///
/// ```swift
/// let watch = try await WatchServer.start(configuration, journal: journal, schedule: schedule, logger: logger)
/// watch.readiness.markReady()   // once the daemon runs
/// ...
/// await watch.stop()
/// ```
public final class WatchServer: Sendable {
    /// The bound port (the system's choice when the configuration says 0).
    public let port: Int
    /// `http://HOST:PORT`.
    public let baseURL: String
    /// What `/readyz` reports besides the journal's health.
    public let readiness: Readiness
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>

    private init(port: Int, baseURL: String, readiness: Readiness, serviceGroup: ServiceGroup, runTask: Task<Void, any Error>) {
        self.port = port
        self.baseURL = baseURL
        self.readiness = readiness
        self.serviceGroup = serviceGroup
        self.runTask = runTask
    }

    /// Reads the journal's runs into the metrics, starts listening, and returns once it listens.
    ///
    /// - Throws: ``WatchError`` (`cannotListen`) when the address cannot be bound (taken, not local, no such host).
    public static func start(
        _ configuration: WatchConfiguration, journal: any Journal, schedule: WatchedSchedule, readiness: Readiness = Readiness(),
        logger: Logger
    ) async throws(WatchError) -> WatchServer {
        let templates: PageTemplates
        do {
            templates = try PageTemplates()
        } catch {
            throw WatchError(code: .cannotListen, message: "the status page's templates do not parse: \(error)")
        }
        let metrics = WatchMetrics()
        let ledger = RunLedger(journal: journal, metrics: metrics)
        do {
            try await ledger.refresh()
        } catch {
            logger.error("cannot read the journal's runs for /metrics", metadata: ["error": "\(error)"])
        }
        let page = StatusPage(templates: templates, journal: journal, schedule: schedule, configuration: configuration)
        let routes = WatchRoutes(
            journal: journal, schedule: schedule, readiness: readiness, metrics: metrics, ledger: ledger, page: page,
            logger: logger)
        let address = configuration.address
        let bound = Bound()
        let application = Application(
            router: routes.router(),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in bound.fulfill(.success(channel.localAddress?.port ?? address.port)) },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            do {
                try await serviceGroup.run()
            } catch {
                bound.fulfill(.failure(error))
                throw error
            }
            bound.fulfill(.failure(CancellationError()))
        }
        let port: Int
        do {
            port = try await bound.value()
        } catch {
            throw WatchError.cannotListen(address, Self.reason(error))
        }
        let host = address.host == "0.0.0.0" ? "127.0.0.1" : address.host == "::" ? "::1" : address.host
        let url = "http://" + ListenAddress(host: host, port: port).description
        logger.info("listening on \(url) (/metrics, /healthz, /readyz, status page /)")
        return WatchServer(port: port, baseURL: url, readiness: readiness, serviceGroup: serviceGroup, runTask: runTask)
    }

    /// Stops listening once the requests being answered are answered.
    public func stop() async {
        readiness.markNotReady()
        await serviceGroup.triggerGracefulShutdown()
        _ = try? await runTask.value
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        return "\(error)"
    }
}

/// The bound port, or why there is none, handed over once from `onServerRunning` or the server's task.
private final class Bound: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case done(Result<Int, any Error>)
    }

    private let state = Mutex(State.waiting([]))

    func fulfill(_ result: Result<Int, any Error>) {
        let waiters: [CheckedContinuation<Int, any Error>] = state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .done(result)
            return waiters
        }
        waiters.forEach { $0.resume(with: result) }
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return nil
                case .done(let result):
                    return result
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
