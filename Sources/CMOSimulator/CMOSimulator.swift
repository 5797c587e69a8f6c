import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// A running CMO API simulator: a Hummingbird server in this process, serving the token endpoint, the CMO API
/// and the `/_sim` inspection endpoints.
///
/// ```swift
/// let sim = try await CMOSimulator.start(SimulatorConfiguration(fleetSize: 200, seed: 7), logger: logger)
/// defer { Task { await sim.stop() } }
/// // sim.apiURL, sim.authURL, sim.defaultTenant, sim.defaultClient ...
/// await sim.stop()
/// ```
///
/// Each instance owns its state; many can run in one process. Starting one with a 1000-product fleet takes a few
/// milliseconds.
public final class CMOSimulator: Sendable {
    /// The configuration the simulator runs with.
    public let configuration: SimulatorConfiguration
    /// The bound port (the system's choice when the configuration says 0).
    public let port: Int
    /// `http://HOST:PORT`, or `https://HOST:PORT` with TLS.
    public let baseURL: String
    /// With a generated TLS certificate: the PEM file of the CA that signed it, for clients to trust
    /// (`CMO_CA_FILE`); `nil` without TLS or with certificate files.
    public let caFile: String?
    /// The generated CA's temporary file, removed once the server has stopped.
    private let temporaryCAFile: String?
    /// Everything before `/{tenant}`: `http://HOST:PORT/connection-management-orchestrator/v5` (`CMO_API_URL`).
    public let apiURL: String
    /// The full token endpoint URL, `http://HOST:PORT/auth/realms/{realm}/protocol/openid-connect/token`
    /// (`CMO_AUTH_URL`).
    public let authURL: String

    let store: FleetStore
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, any Error>

    /// The tenant to use by default (the first configured one, `eos` by default).
    public var defaultTenant: String { configuration.defaultTenant }
    /// The first configured client (``SimulatorClient/demo`` by default).
    public var defaultClient: SimulatorClient { configuration.clients[0] }
    /// Same as ``authURL``.
    public var tokenURL: String { authURL }

    private init(
        configuration: SimulatorConfiguration, port: Int, store: FleetStore, serviceGroup: ServiceGroup,
        runTask: Task<Void, any Error>, caFile: String?, caFileIsTemporary: Bool
    ) {
        self.configuration = configuration
        self.caFile = caFile
        self.temporaryCAFile = caFileIsTemporary ? caFile : nil
        self.port = port
        self.store = store
        self.serviceGroup = serviceGroup
        self.runTask = runTask
        let host = Self.linkHost(configuration.host)
        self.baseURL = "\(configuration.tls == nil ? "http" : "https")://\(host):\(port)"
        self.apiURL = baseURL + "/connection-management-orchestrator/v5"
        self.authURL = baseURL + "/auth/realms/\(configuration.realm)/protocol/openid-connect/token"
    }

    /// Starts a simulator and returns once it is listening.
    ///
    /// - Parameters:
    ///   - configuration: Everything about the simulator; port 0 picks a free port.
    ///   - logger: Where the server logs (startup, shutdown, errors; nothing per request).
    ///   - handleSignals: Stop gracefully on SIGINT/SIGTERM (for `cmo sim`; leave `false` in tests).
    /// - Throws: ``SimulatorError`` for a bad configuration or state file, or the bind error.
    public static func start(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
        logger: Logger,
        handleSignals: Bool = false
    ) async throws -> CMOSimulator {
        try configuration.validate()
        let store: FleetStore
        do {
            store = try FleetStore(configuration: configuration)
        } catch {
            throw SimulatorError.stateFile("\(configuration.statePath ?? ""): \(error)")
        }
        let address = ServerAddress()
        let responder = SimulatorResponder(configuration: configuration, store: store, address: address)
        let bound = OneShot<Int>()
        let host = linkHost(configuration.host)
        let scheme = configuration.tls == nil ? "http" : "https"
        let tls = try configuration.tls.map { tls throws(SimulatorError) in try SimulatorTLSMaterial(tls) }
        let server = try tls?.serverBuilder(http2: configuration.tls?.http2 ?? false) ?? .http1()
        let application = Application(
            responder: responder,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                address.baseURL = "\(scheme)://\(host):\(port)"
                address.apiURL = "\(scheme)://\(host):\(port)/connection-management-orchestrator/v5"
                bound.fulfill(.success(port))
            },
            logger: logger
        )
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [application],
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
        )
        let runTask = Task {
            do {
                try await serviceGroup.run()
            } catch {
                bound.fulfill(.failure(error))
                throw error
            }
            bound.fulfill(.failure(SimulatorError.stoppedBeforeStart))
        }
        let port = try await bound.value
        return CMOSimulator(configuration: configuration, port: port, store: store, serviceGroup: serviceGroup, runTask: runTask,
            caFile: tls?.caFile, caFileIsTemporary: tls?.caFileIsTemporary ?? false)
    }

    /// Stops gracefully: open connections finish their requests, then the server closes. Throws what the server
    /// threw while running, if anything.
    public func shutdown() async throws {
        await serviceGroup.triggerGracefulShutdown()
        defer { removeTemporaryCAFile() }
        try await runTask.value
    }

    /// Stops gracefully, ignoring errors (for `defer`-style clean-up in tests).
    public func stop() async {
        try? await shutdown()
    }

    /// Waits until the server has stopped (after a signal when started with `handleSignals`, or ``shutdown()``).
    public func waitUntilStopped() async throws {
        defer { removeTemporaryCAFile() }
        try await runTask.value
    }

    private func removeTemporaryCAFile() {
        if let temporaryCAFile { try? FileManager.default.removeItem(atPath: temporaryCAFile) }
    }

    /// The host to write into links: a wildcard bind address is reached through the loopback address.
    private static func linkHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "[::1]"
        default: host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
    }
}
