import CMOJournal
import CMOTestSupport
import Foundation
import Logging
import Testing

/// A distributed run's shards in a real PostgreSQL journal: items stored once per product and cut in order, claims
/// that never give one shard to two workers, a lease that runs out taken over at the next epoch, and the fence that
/// keeps a worker that lost its lease from writing an intent (with the audit of lease events).
@Suite struct DistributedShardTests {
    /// A fresh database with run `run-1` begun, and `count` handles on it (as many workers would have).
    static func journals(_ count: Int) async throws -> [PostgresJournal] {
        let url = try PostgresTestCluster.shared().makeDatabase().absoluteString
        var journals: [PostgresJournal] = []
        for _ in 0..<count {
            journals.append(try await PostgresJournal.open(
                PostgresLocation(url: url, environment: [:]), logger: Logger(label: "cmo.journal.test"),
                maximumConnections: 2))
        }
        try await journals[0].begin(RunEntry(id: "run-1", scriptPath: "/srv/plan.lua", scriptHash: "h"))
        return journals
    }

    static func items(_ ids: [String]) -> [(productID: String, item: String)] {
        ids.map { (productID: $0, item: "\"\($0)\"") }
    }

    static func intent(_ product: String) -> ChangeEntry {
        ChangeEntry(runID: "run-1", rootID: "run-1", key: product + "#1", productID: product, ops: "[]")
    }

    @Test func itemsAreStoredOncePerProductAndCutIntoShardsInOrder() async throws {
        let journal = try await Self.journals(1)[0]
        let ids = (0..<2_500).map { "JASPER-\($0)" }
        let shards = try await journal.createDistributedRun(
            runID: "run-1", items: Self.items(ids + ["JASPER-7", "JASPER-2499"]), shardSize: 1_000)
        #expect(shards == 3)
        let rows = try await journal.shards(runID: "run-1")
        #expect(rows.map(\.items) == [1_000, 1_000, 500])
        #expect(rows.allSatisfy { $0.state == .pending && $0.epoch == 0 && $0.owner == nil })
        let last = try await journal.shardItems(ShardFence(runID: "run-1", shard: 2, epoch: 0))
        #expect(last.first == "\"JASPER-2000\"" && last.last == "\"JASPER-2499\"" && last.count == 500)
        await journal.close()
    }

    @Test func workersClaimingAtOnceEachGetShardsOfTheirOwn() async throws {
        let journals = try await Self.journals(3)
        try await journals[0].createDistributedRun(
            runID: "run-1", items: Self.items((0..<300).map { "TMSP-\($0)" }), shardSize: 10)
        let claims = try await withThrowingTaskGroup(of: [ShardClaim].self) { group in
            for (index, journal) in journals.enumerated() {
                group.addTask {
                    var mine: [ShardClaim] = []
                    while let claim = try await journal.claimShard(
                        runID: "run-1", worker: "w\(index)", lease: .seconds(30), grace: .seconds(5)
                    ) {
                        mine.append(claim)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claims.count == 30)
        #expect(Set(claims.map(\.fence.shard)) == Set(0..<30), "every shard claimed once")
        #expect(claims.allSatisfy { $0.fence.epoch == 1 && !$0.tookOver })
        let rows = try await journals[0].shards(runID: "run-1")
        #expect(rows.allSatisfy { $0.state == .leased && $0.owner != nil })
        for journal in journals { await journal.close() }
    }

    @Test func aLeaseThatRanOutIsTakenOverAndTheOldHolderIsFenced() async throws {
        let journals = try await Self.journals(2)
        let (first, second) = (journals[0], journals[1])
        try await first.createDistributedRun(runID: "run-1", items: Self.items(["JASPER-1", "JASPER-2"]), shardSize: 10)
        let held = try #require(try await first.claimShard(runID: "run-1", worker: "w1", lease: .seconds(30), grace: .seconds(5)))
        // Held: nobody else gets it, and its holder writes intents.
        #expect(try await second.claimShard(runID: "run-1", worker: "w2", lease: .seconds(30), grace: .seconds(5)) == nil)
        let written = try await first.insertFenced(Self.intent("JASPER-1"), fence: held.fence, worker: "w1")
        #expect(written.id != nil)
        #expect(try await first.renewLease(held.fence, worker: "w1", lease: .seconds(30)))

        // The holder stalls (SIGSTOP, a network partition) past its lease and the grace.
        _ = try PostgresTestCluster.shared().psql(
            "UPDATE dist_shard SET lease_until = clock_timestamp() - interval '1 minute'",
            database: URL(string: first.location)!.lastPathComponent)
        let taken = try #require(try await second.claimShard(runID: "run-1", worker: "w2", lease: .seconds(30), grace: .seconds(5)))
        #expect(taken.fence.shard == held.fence.shard && taken.fence.epoch == 2)
        #expect(taken.tookOver && taken.previousOwner == "w1")

        // The old holder wakes up: its renewal is refused, its intent is not written, its end of the shard refused.
        #expect(try await first.renewLease(held.fence, worker: "w1", lease: .seconds(30)) == false)
        await #expect(throws: JournalError.self) {
            _ = try await first.insertFenced(Self.intent("JASPER-2"), fence: held.fence, worker: "w1")
        }
        #expect(try await first.finishShard(held.fence, worker: "w1", counts: ["changed": 1]) == false)
        let changes = try await second.changes(ofRun: "run-1")
        #expect(changes.map(\.productID) == ["JASPER-1"], "no intent from the fenced worker")

        // The new holder writes and ends the shard.
        _ = try await second.insertFenced(Self.intent("JASPER-2"), fence: taken.fence, worker: "w2")
        #expect(try await second.finishShard(taken.fence, worker: "w2", counts: ["changed": 2]))
        let rows = try await second.shards(runID: "run-1")
        #expect(rows.map(\.state) == [.done] && rows[0].counts == ["changed": 2] && rows[0].owner == "w2")
        let events = try await second.leaseEvents(runID: "run-1").map { "\($0.worker) \($0.kind.rawValue) \($0.epoch)" }
        #expect(events == [
            "w1 claimed 1", "w1 renewed 1", "w2 took_over 2", "w1 refused 1", "w1 fenced 1", "w2 released 2",
        ])
        for journal in journals { await journal.close() }
    }

    @Test func maxChangesIsCountedAcrossEveryWorkersIntents() async throws {
        let journals = try await Self.journals(2)
        try await journals[0].createDistributedRun(
            runID: "run-1", items: Self.items(["A-1", "A-2", "A-3", "A-4"]), shardSize: 2,
            plan: DistributedRunPlan(scriptName: "plan.lua", script: "return {}", settings: "{}", maxChanges: 3))
        var fences: [ShardFence] = []
        for (index, journal) in journals.enumerated() {
            let claim = try await journal.claimShard(runID: "run-1", worker: "w\(index)", lease: .seconds(30), grace: .seconds(5))
            fences.append(try #require(claim).fence)
        }
        _ = try await journals[0].insertFenced(Self.intent("A-1"), fence: fences[0], worker: "w0", maxChanges: 3)
        _ = try await journals[1].insertFenced(Self.intent("A-3"), fence: fences[1], worker: "w1", maxChanges: 3)
        _ = try await journals[0].insertFenced(Self.intent("A-2"), fence: fences[0], worker: "w0", maxChanges: 3)
        do {
            _ = try await journals[1].insertFenced(Self.intent("A-4"), fence: fences[1], worker: "w1", maxChanges: 3)
            Issue.record("a fourth intent was written under --max-changes 3")
        } catch {
            #expect(error.code == .limitReached)
        }
        #expect(try await journals[0].changes(ofRun: "run-1").count == 3)
        #expect(try await journals[0].distributedRun("run-1")?.changesStarted == 3)
        for journal in journals { await journal.close() }
    }

    @Test func aShardGivenBackIsPendingAndItsNextClaimResumesFromItsOwnChanges() async throws {
        let journal = try await Self.journals(1)[0]
        try await journal.createDistributedRun(runID: "run-1", items: Self.items(["B-1", "B-2", "C-1"]), shardSize: 2)
        let first = try #require(try await journal.claimShard(runID: "run-1", worker: "w", lease: .seconds(30), grace: .seconds(5)))
        _ = try await journal.insertFenced(Self.intent("B-1"), fence: first.fence, worker: "w")
        #expect(try await journal.returnShard(first.fence, worker: "w"))
        let rows = try await journal.shards(runID: "run-1")
        #expect(rows[0].state == .pending && rows[0].owner == nil)
        let again = try #require(try await journal.claimShard(runID: "run-1", worker: "v", lease: .seconds(30), grace: .seconds(5)))
        #expect(again.fence.shard == 0 && again.fence.epoch == 2 && !again.tookOver)
        let prior = try await journal.latestChanges(rootID: "run-1", shard: 0)
        #expect(prior.keys.sorted() == ["B-1#1"] && prior["B-1#1"]?.state == .intent)
        #expect(try await journal.latestChanges(rootID: "run-1", shard: 1).isEmpty)
        await journal.close()
    }

    @Test func aShardWhoseLeaseRanOutCannotBeEndedByItsHolder() async throws {
        let journal = try await Self.journals(1)[0]
        try await journal.createDistributedRun(runID: "run-1", items: Self.items(["D-1"]), shardSize: 1)
        let held = try #require(try await journal.claimShard(runID: "run-1", worker: "w", lease: .seconds(30), grace: .seconds(5)))
        _ = try PostgresTestCluster.shared().psql(
            "UPDATE dist_shard SET lease_until = clock_timestamp() - interval '1 second'",
            database: URL(string: journal.location)!.lastPathComponent)
        #expect(try await journal.finishShard(held.fence, worker: "w", counts: ["changed": 1]) == false)
        #expect(try await journal.shards(runID: "run-1").first?.state == .leased)
        await journal.close()
    }

    @Test func aStoppedRunGivesNoMoreShards() async throws {
        let journal = try await Self.journals(1)[0]
        try await journal.createDistributedRun(runID: "run-1", items: Self.items(["A-1", "A-2", "A-3"]), shardSize: 1)
        #expect(try await journal.claimShard(runID: nil, worker: "w", lease: .seconds(30), grace: .seconds(5)) != nil)
        try await journal.requestStop(runID: "run-1", reason: "interrupted by SIGINT")
        #expect(try await journal.claimShard(runID: nil, worker: "w", lease: .seconds(30), grace: .seconds(5)) == nil)
        #expect(try await journal.distributedRun("run-1")?.stopReason == "interrupted by SIGINT")
        #expect(try await journal.openDistributedRuns().isEmpty)
        try await journal.clearStop(runID: "run-1")
        #expect(try await journal.openDistributedRuns() == ["run-1"])
        #expect(try await journal.claimShard(runID: nil, worker: "w", lease: .seconds(30), grace: .seconds(5)) != nil)
        await journal.close()
    }
}
