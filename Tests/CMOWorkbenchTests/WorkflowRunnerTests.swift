import CMOClient
import CMOEngine
@testable import CMOWorkbench
import Foundation
import Logging
import Testing

@Suite("WorkflowRunner")
struct WorkflowRunnerTests {
    static let root = (0..<3).reduce(URL(fileURLWithPath: #filePath)) { url, _ in url.deletingLastPathComponent() }.path
    static let stdlib = root + "/stdlib"
    static let logger = Logger(label: "test")

    @Test("async changes of 60 s pass in simulated time; every change lands in the simulator")
    func asyncChanges() async throws {
        var spec = WorkflowSpec(
            script: Self.root + "/scripts/workflows/activate-offering.lua", seed: 1, fleetSize: 300,
            vars: ["offering": "IoT Flex 10MB"], modulePaths: [Self.stdlib])
        spec.faults.asyncDelaySeconds = 60
        let outcome = try await WorkflowRunner.run(spec, logger: Self.logger)
        #expect(outcome.exitCode == 0, "\(outcome.error ?? "")")
        #expect(!outcome.changes.isEmpty)
        #expect(outcome.changes.allSatisfy { "\($0.outcome)" == "changed" })
        #expect(outcome.changes.contains { $0.async })
        for change in outcome.changes {
            #expect(outcome.statuses[change.productID] == "ACTIVE")
            #expect(outcome.counts[change.productID] == 1)
        }
        #expect(outcome.simulatedSeconds >= 60)
    }

    @Test("a dry run sends nothing; max_changes stops the run with exit 4")
    func dryRunAndGuards() async throws {
        var spec = WorkflowSpec(
            script: Self.root + "/scripts/workflows/activate-offering.lua", fleetSize: 200,
            vars: ["offering": "IoT Flex 10MB"], dryRun: true, modulePaths: [Self.stdlib])
        let dry = try await WorkflowRunner.run(spec, logger: Self.logger)
        #expect(dry.exitCode == 0)
        #expect(dry.changes.allSatisfy { "\($0.outcome)" == "wouldChange" })
        #expect(dry.counts.isEmpty)
        spec.dryRun = false
        spec.guards.maxChanges = 3
        let stopped = try await WorkflowRunner.run(spec, logger: Self.logger)
        #expect(stopped.exitCode == 4)
        // three changes started (those in flight when the run stopped stay open); only their SIMs were touched
        #expect(stopped.changes.count == 3)
        #expect(Set(stopped.counts.keys).isSubset(of: Set(stopped.changes.map(\.productID))))
    }

    @Test("a short token lifetime and 5xx faults are lived through in simulated time")
    func tokenExpiryAndFaults() async throws {
        var spec = WorkflowSpec(
            script: Self.root + "/Tests/Fixtures/workbench/waiting.lua", fleetSize: 40, vars: ["seconds": "600"],
            modulePaths: [Self.stdlib])
        spec.faults.tokenTTL = 60
        spec.faults.errorRate = 0.2
        let outcome = try await WorkflowRunner.run(spec, logger: Self.logger)
        #expect(outcome.exitCode == 0, "\(outcome.error ?? "")")
        #expect(outcome.output == "40 products")
        #expect(outcome.simulatedSeconds >= 600)
    }
}
