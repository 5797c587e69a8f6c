import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// Starting, stopping and running many simulators in one process.
@Suite struct LifecycleTests {
    @Test func startsOnPortZeroAndReportsItsURLs() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 10)) { h in
            let sim = h.sim
            #expect(sim.port > 0)
            #expect(sim.baseURL == "http://127.0.0.1:\(sim.port)")
            #expect(sim.apiURL == "http://127.0.0.1:\(sim.port)/connection-management-orchestrator/v5")
            #expect(sim.authURL == "http://127.0.0.1:\(sim.port)/auth/realms/cmo/protocol/openid-connect/token")
            #expect(sim.defaultTenant == "eos")
            #expect(sim.defaultClient == .demo)
            let health = try await h.send(.GET, sim.baseURL + "/_sim/health")
            #expect(health.status == 200)
            #expect(health.json["products"] as? Int == 10)
        }
    }

    @Test func manySimulatorsRunIndependentlyInOneProcess() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let sims = try await withThrowingTaskGroup(of: CMOSimulator.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await CMOSimulator.start(SimulatorConfiguration(fleetSize: 1000, seed: UInt64(index)), logger: SimulatorHarness.logger)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        print("started 8 simulators of 1000 products in \(clock.now - started)")
        #expect(Set(sims.map(\.port)).count == 8)
        #expect(sims.allSatisfy { $0.products.count == 1000 })
        // A change in one is not seen by another.
        let first = SimulatorHarness(sim: sims[0])
        let product = try first.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
        let result = try await first.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: try await first.token())
        #expect(result.status == 200)
        #expect(sims[0].appliedChanges.count == 1)
        #expect(sims.dropFirst().allSatisfy { $0.appliedChanges.isEmpty })
        for sim in sims { try await sim.shutdown() }
    }

    @Test func stoppedSimulatorRefusesConnections() async throws {
        let sim = try await CMOSimulator.start(SimulatorConfiguration(fleetSize: 5), logger: SimulatorHarness.logger)
        let harness = SimulatorHarness(sim: sim)
        #expect(try await harness.send(.GET, sim.baseURL + "/_sim/health").status == 200)
        try await sim.shutdown()
        await #expect(throws: (any Error).self) {
            _ = try await harness.send(.GET, sim.baseURL + "/_sim/health")
        }
    }

    @Test(arguments: [
        SimulatorConfiguration(tenants: []),
        SimulatorConfiguration(clients: []),
        SimulatorConfiguration(tokenTTL: 0),
        SimulatorConfiguration(faultRate: 1.5),
        SimulatorConfiguration(dropRate: -0.1),
        SimulatorConfiguration(rateLimit: 0),
        SimulatorConfiguration(maxPageSize: 0),
        SimulatorConfiguration(port: 70000),
    ])
    func invalidConfigurationsAreRefused(configuration: SimulatorConfiguration) async throws {
        await #expect(throws: SimulatorError.self) {
            _ = try await CMOSimulator.start(configuration, logger: SimulatorHarness.logger)
        }
    }

    @Test func takenPortFailsToStart() async throws {
        _ = try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 5)) { h in
            await #expect(throws: (any Error).self) {
                _ = try await CMOSimulator.start(SimulatorConfiguration(port: h.sim.port, fleetSize: 5), logger: SimulatorHarness.logger)
            }
        }
    }

    @Test func clientArgumentsParse() {
        #expect(SimulatorClient(argument: "a:b") == SimulatorClient(id: "a", secret: "b", access: .readWrite))
        #expect(SimulatorClient(argument: "a:b:ro") == SimulatorClient(id: "a", secret: "b", access: .readOnly))
        #expect(SimulatorClient(argument: "a:b:rw")?.access == .readWrite)
        #expect(SimulatorClient(argument: "a") == nil)
        #expect(SimulatorClient(argument: "a::rw") == nil)
        #expect(SimulatorClient(argument: "a:b:admin") == nil)
        #expect(!SimulatorClient.demo.description.contains(SimulatorClient.demo.secret))
    }
}
