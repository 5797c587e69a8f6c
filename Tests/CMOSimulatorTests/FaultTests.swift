import AsyncHTTPClient
import CMOSimulator
import NIOHTTP1
import Testing

/// Injected faults, dropped connections, the rate limit and latency.
@Suite struct FaultTests {
    @Test func faultRateAnswersServerErrorsAndChangesNothing() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 100, seed: 2, faultRate: 1)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
            var statuses = Set<Int>()
            for _ in 0..<30 {
                let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
                #expect(result.isProblem)
                statuses.insert(result.status)
            }
            #expect(statuses.isSubset(of: [500, 502, 503]))
            #expect(statuses.count > 1)
            #expect(h.sim.product(id: product.id)?.status == "INACTIVE")
            #expect(h.sim.appliedChanges.isEmpty)
        }
    }

    @Test func partialFaultRateIsReproducibleForASeed() async throws {
        func run() async throws -> [Int] {
            try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 10, seed: 8, faultRate: 0.3)) { h in
                let token = try await h.token()
                var statuses: [Int] = []
                for _ in 0..<40 { statuses.append(try await h.get("product?pageSize=1", token: token).status) }
                return statuses
            }
        }
        let first = try await run()
        #expect(first.contains(200) && first.contains { $0 >= 500 })
        #expect(try await run() == first)
    }

    @Test func droppedRequestGetsNoAnswerButTheChangeIsAppliedByDefault() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 100, seed: 2, dropRate: 1)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
            await #expect(throws: (any Error).self) {
                _ = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            }
            #expect(h.sim.product(id: product.id)?.status == "ACTIVE")
            #expect(h.sim.appliedChanges[product.id] == 1)
        }
    }

    @Test func droppedRequestBeforeProcessingChangesNothing() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 100, seed: 2, dropRate: 1, dropMode: .beforeProcessing)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
            await #expect(throws: (any Error).self) {
                _ = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            }
            #expect(h.sim.product(id: product.id)?.status == "INACTIVE")
            #expect(h.sim.appliedChanges.isEmpty)
        }
    }

    @Test func rateLimitAnswers429WithRetryAfterAndRateHeaders() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 20, seed: 2, rateLimit: 5)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            var limited: HTTPResult?
            var allowed = 0
            for _ in 0..<50 {
                let result = try await h.get("product?pageSize=1", token: token)
                if result.status == 429 {
                    limited = result
                    break
                }
                #expect(result.header("X-Rate-Limit-Limit") == "5")
                allowed += 1
            }
            let refused = try #require(limited)
            #expect(allowed >= 5)
            #expect(refused.isProblem)
            #expect(Int(refused.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(refused.header("X-Rate-Limit-Limit") == "5")
            #expect(refused.header("X-Rate-Limit-Remaining") == "0")
            #expect(refused.header("X-Rate-Limit-Reset") != nil)
        }
    }

    @Test func rateLimitIsPerClient() async throws {
        let other = SimulatorClient(id: "other", secret: "s")
        let configuration = SimulatorConfiguration(clients: [.demo, other], fleetSize: 20, seed: 2, rateLimit: 2)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            var status = 200
            for _ in 0..<20 where status != 429 { status = try await h.get("product?pageSize=1", token: token).status }
            #expect(status == 429)
            #expect(try await h.get("product?pageSize=1", token: try await h.token(other)).status == 200)
        }
    }

    @Test func latencyAndJitterStillAnswerCorrectly() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 20, seed: 2, latencyMilliseconds: 5, jitterMilliseconds: 5)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            for _ in 0..<5 {
                #expect(try await h.get("product?pageSize=1", token: token).status == 200)
            }
        }
    }
}
