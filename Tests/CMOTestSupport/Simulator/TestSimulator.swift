import CMOClient
import CMOSimulator
import Logging

/// A CMO API simulator running in this process on a free loopback port, for one test.
///
/// ```swift
/// try await TestSimulator.with(SimulatorConfiguration(fleetSize: 60)) { sim in
///     let client = CMOClient(configuration: sim.clientConfiguration, logger: logger)
///     // ...
/// }
/// ```
///
/// Prefer ``with(_:logger:_:)``: it stops the simulator, and waits for it to stop, whatever the body does. A test
/// that calls ``start(_:logger:)`` itself must `await` ``shutdown()`` on every path.
package struct TestSimulator: Sendable {
    /// The running simulator (its fleet, applied changes and other inspection helpers).
    package let simulator: CMOSimulator

    /// `http://127.0.0.1:PORT`, where `/_sim/...` lives.
    package var baseURL: String { simulator.baseURL }

    /// A client configuration for the simulator's default tenant and client; everything else is `CMOClient`'s
    /// default.
    package var clientConfiguration: Configuration {
        Configuration(
            apiURL: simulator.apiURL, tenant: simulator.defaultTenant,
            auth: .init(
                tokenURL: simulator.authURL, clientID: simulator.defaultClient.id,
                clientSecret: Secret(simulator.defaultClient.secret)))
    }

    /// A logger that only lets critical messages through: a test's simulator should not fill the test output.
    package static let quietLogger: Logger = {
        var logger = Logger(label: "cmo.test.simulator")
        logger.logLevel = .critical
        return logger
    }()

    /// Starts a simulator with `configuration`, bound to a free port of 127.0.0.1 whatever `host` and `port` say,
    /// and returns once it listens.
    ///
    /// - Throws: What ``CMOSimulator/start(_:logger:handleSignals:)`` throws.
    package static func start(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(fleetSize: 60, seed: 11),
        logger: Logger = quietLogger
    ) async throws -> TestSimulator {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        return TestSimulator(simulator: try await CMOSimulator.start(configuration, logger: logger))
    }

    /// Stops the simulator and waits until it has stopped; throws what the server threw while it ran.
    package func shutdown() async throws {
        try await simulator.shutdown()
    }

    /// Starts a simulator (see ``start(_:logger:)``), runs `body` with it, and stops it, waiting for the stop,
    /// whether `body` returns or throws. An error of `body` wins over one of the shutdown.
    package static func with<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(fleetSize: 60, seed: 11),
        logger: Logger = quietLogger,
        _ body: (TestSimulator) async throws -> T
    ) async throws -> T {
        let simulator = try await start(configuration, logger: logger)
        let result: T
        do {
            result = try await body(simulator)
        } catch {
            try? await simulator.shutdown()
            throw error
        }
        try await simulator.shutdown()
        return result
    }
}
