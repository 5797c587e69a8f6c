import CMOClient
import CMOSimulator
import Logging

/// Starts the real simulator in this process on a free port, runs `body` with it and a client configured for it,
/// then stops both.
func withSimulator<T: Sendable>(
    _ simulator: SimulatorConfiguration = SimulatorConfiguration(fleetSize: 60, seed: 11),
    configure: (inout Configuration) -> Void = { _ in },
    logger: Logger = Logger(label: "cmo-client-test"),
    _ body: (CMOSimulator, CMOClient) async throws -> T
) async throws -> T {
    var simulatorLogger = Logger(label: "cmo-sim-test")
    simulatorLogger.logLevel = .critical
    let sim = try await CMOSimulator.start(simulator, logger: simulatorLogger)
    var configuration = Configuration(
        apiURL: sim.apiURL, tenant: sim.defaultTenant,
        auth: .init(
            tokenURL: sim.authURL, clientID: sim.defaultClient.id, clientSecret: Secret(sim.defaultClient.secret)))
    configure(&configuration)
    do {
        let result = try await withClient(configuration, logger: logger) { client in try await body(sim, client) }
        await sim.stop()
        return result
    } catch {
        await sim.stop()
        throw error
    }
}

extension CMOSimulator {
    /// The first cellular product on a synchronous (or asynchronous) backend with the given status.
    func cellular(status: String, asynchronous: Bool) -> SimulatedProduct? {
        products.first {
            $0.connectivityType == .cellular && $0.status == status && $0.isAsynchronous == asynchronous
        }
    }
}
