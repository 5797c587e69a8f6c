import CMOClient
import CMOSimulator
import CMOTestSupport
import Logging

/// Starts the real simulator in this process on a free port (a ``TestSimulator``), runs `body` with it and a client
/// configured for it (`configure` applied), then shuts both down, waiting for each.
func withSimulator<T: Sendable>(
    _ simulator: SimulatorConfiguration = SimulatorConfiguration(fleetSize: 60, seed: 11),
    configure: (inout Configuration) -> Void = { _ in },
    logger: Logger = Logger(label: "cmo-client-test"),
    _ body: (CMOSimulator, CMOClient) async throws -> T
) async throws -> T {
    try await TestSimulator.with(simulator) { sim in
        var configuration = sim.clientConfiguration
        configure(&configuration)
        return try await withClient(configuration, logger: logger) { client in try await body(sim.simulator, client) }
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
