@testable import CMOClient
import CMOJournal
import Foundation
import Testing

@testable import CMOEngine

/// What a distributed run's worker does differently, without a network: a raw patch that sets `/status` reads
/// first and tests what it read (a writer whose lease ran out then gets 409 instead of changing a SIM twice), the
/// settings every worker runs a shard with, and the coordinator's progress line.
@Suite struct DistributedChangeTests {
    static let rawSuspend = ChangePlan.patch([JSONPatchOperation(op: .replace, path: "/status", value: .string("SUSPENDED"))])

    static func machine(_ plan: ChangePlan, testsStatus: Bool) -> ChangeMachine {
        ChangeMachine(
            ChangeMachine.Setup(plan: plan, transitions: .inferred, settleLimit: .seconds(2), testsStatus: testsStatus))
    }

    @Test func aWorkersRawStatusPatchReadsFirstAndTestsTheStatusItRead() {
        var machine = Self.machine(Self.rawSuspend, testsStatus: true)
        #expect(machine.handle(.start) == .read)
        #expect(machine.handle(.read(status: "ACTIVE", document: .object(JSONObject([("status", .string("ACTIVE"))])))) == .reserve)
        #expect(machine.handle(.reserved) == .send([
            JSONPatchOperation(op: .test, path: "/status", value: .string("ACTIVE")),
            JSONPatchOperation(op: .replace, path: "/status", value: .string("SUSPENDED")),
        ]))
    }

    @Test func outsideADistributedRunARawPatchIsSentAsItIs() {
        var machine = Self.machine(Self.rawSuspend, testsStatus: false)
        #expect(machine.handle(.start) == .reserve)
        #expect(machine.handle(.reserved) == .send(Self.rawSuspend.keyOps))
    }

    @Test func aRawPatchThatTestsTheStatusItselfOrSetsNoStatusIsLeftAlone() {
        let tested = ChangePlan.patch([
            JSONPatchOperation(op: .test, path: "/status", value: .string("ACTIVE")),
            JSONPatchOperation(op: .replace, path: "/status", value: .string("SUSPENDED")),
        ])
        let label = ChangePlan.patch([JSONPatchOperation(op: .add, path: "/label", value: .string("x"))])
        for plan in [tested, label] {
            var machine = Self.machine(plan, testsStatus: true)
            #expect(machine.handle(.start) == .reserve)
            #expect(machine.handle(.reserved) == .send(plan.keyOps))
        }
    }

    @Test func theSettingsWorkersRunWithSurviveTheJournal() throws {
        let settings = DistributedSettings(
            vars: ["region": "eu"], dryRun: true, guards: RunReport.Guards(maxChanges: 5, maxFailureRate: 0.1),
            concurrency: 64, monitorTimeout: .seconds(30))
        let read = try #require(DistributedSettings(json: settings.json()))
        #expect(read == settings)
        #expect(read.guards == RunReport.Guards(maxChanges: 5, maxFailureRate: 0.1))
        #expect(read.monitorTimeout == .seconds(30))
        #expect(DistributedSettings(json: "not json") == nil)
    }

    @Test func theProgressLineCountsShardsItemsAndOwners() {
        let shards = [
            ShardRow(shard: 0, state: .done, owner: "w1", epoch: 1, items: 10, counts: ["changed": 9, "failed": 1]),
            ShardRow(shard: 1, state: .leased, owner: "w2", epoch: 2, items: 10, counts: [:]),
            ShardRow(shard: 2, state: .pending, owner: nil, epoch: 0, items: 5, counts: [:]),
        ]
        #expect(
            DistributedProgress.describe(shards)
                == "shards 1/3 done, 1 in hand (w2); items 10/25; 9 changed, 1 failed")
        var periodic = DistributedProgress(mode: .periodic(.seconds(10)))
        let now = ContinuousClock.now
        #expect(periodic.line(for: shards, now: now) != nil)
        #expect(periodic.line(for: shards, now: now + .seconds(1)) == nil)
        #expect(periodic.line(for: shards, now: now + .seconds(11)) != nil)
    }
}
