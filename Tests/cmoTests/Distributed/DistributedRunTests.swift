import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo run --distributed` with `cmo worker` processes on a real PostgreSQL journal and a real `cmo sim`: the run
/// spread over workers, its shards in `cmo runs show`, `--max-changes` counted across workers, a stop on the
/// coordinator that stops every worker and a resume that finishes the run.
@Suite(.serialized) struct DistributedRunTests {
    @Test func aRunSpreadOverTwoWorkersAndTheCoordinatorChangesEverySIMOnce() throws {
        let harness = try DistributedHarness(fleet: 600, simulatorFlags: ["--latency-ms", "5", "--async-delay-ms", "200"])
        let coordinator = try harness.coordinator("spread", ["--shard-size", "20"])
        let workers = try ["w1", "w2"].map { try harness.worker("spread", name: $0) }
        let ended = try coordinator.wait()
        #expect(ended.status == 0, "\(ended.stderr)")
        let planned = try #require(DistributedHarness.planned(ended.stdout))
        let counts = try harness.changeCounts()
        #expect(counts.count == planned && counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
        for worker in workers {
            let result = try worker.wait()
            #expect(result.status == 0, "\(result.stderr)")
        }
        let shards = (planned + 19) / 20
        #expect(ended.stderr.contains("\(shards) of \(shards) shards done"), "\(ended.stderr)")
        // Every shard done once, each by the one worker that claimed it (no lease ran out).
        #expect(try harness.number("SELECT count(*) FROM dist_lease_event WHERE event = 'released'") == shards)
        #expect(try harness.number("SELECT count(*) FROM dist_shard WHERE epoch <> 1") == 0)

        let shown = try CLI.run(["runs", "show", "spread", "--journal", harness.journalURL, "--output", "table"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("shards     \(shards) of \(shards) done"), "\(shown.stdout)")
        let owners = Set(shown.stdout.split(separator: "\n").filter { $0.contains(" done ") }.compactMap {
            $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first.map(String.init)
        })
        #expect(owners.isSubset(of: Set(["w1", "w2"]).union(owners.filter { $0.contains(":") })) && !owners.isEmpty)
        let json = try CLI.run(["runs", "show", "spread", "--journal", harness.journalURL, "--output", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["shards"] as? [[String: Any]])
        #expect(rows.count == shards)
        let changed = rows.compactMap { ($0["counts"] as? [String: Int])?["changed"] }.reduce(0, +)
        #expect(changed == planned)
    }

    @Test func failedChangesInAnyShardEndTheRunWithExitThree() throws {
        let harness = try DistributedHarness(
            fleet: 300, simulatorFlags: ["--latency-ms", "5", "--async-delay-ms", "100", "--in-error-rate", "0.2"])
        let coordinator = try harness.coordinator("failing", ["--shard-size", "15"])
        let worker = try harness.worker("failing", name: "w1")
        let ended = try coordinator.wait()
        _ = try worker.wait()
        #expect(ended.status == 3, "\(ended.stderr)")
        let failed = try harness.number("SELECT sum((counts::json ->> 'failed')::int) FROM dist_shard")
        #expect(failed > 0)
        #expect(ended.stderr.contains("\(failed) failed"), "\(ended.stderr)")
        #expect(ended.stderr.contains(CLI.resumeHint), "\(ended.stderr)")
    }

    @Test func theFailureRateIsCheckedOnTheRunsTotalsAcrossWorkers() throws {
        let harness = try DistributedHarness(
            fleet: 600, simulatorFlags: ["--latency-ms", "5", "--async-delay-ms", "100", "--in-error-rate", "0.5"])
        // Shards of 10: no shard alone reaches the 20 changes the rate needs; the run's totals do.
        let coordinator = try harness.coordinator("failrate", ["--shard-size", "10", "--max-failure-rate", "0.2"])
        let worker = try harness.worker("failrate", name: "w1")
        let ended = try coordinator.wait()
        _ = try worker.wait()
        #expect(ended.status == 4, "\(ended.stderr)")
        #expect(ended.stderr.contains("--max-failure-rate 0.20 exceeded across the run's workers"), "\(ended.stderr)")
        #expect(try harness.number("SELECT count(*) FROM dist_shard WHERE state = 'pending'") > 0)
    }

    @Test func maxChangesCountsEveryWorkersChanges() throws {
        let harness = try DistributedHarness(fleet: 400, simulatorFlags: ["--latency-ms", "5", "--async-delay-ms", "100"])
        let coordinator = try harness.coordinator("guarded", ["--shard-size", "10", "--max-changes", "25"])
        let worker = try harness.worker("guarded", name: "w1")
        let ended = try coordinator.wait()
        #expect(ended.status == 4, "\(ended.stderr)")
        #expect(ended.stderr.contains("--max-changes 25 reached"), "\(ended.stderr)")
        _ = try worker.wait()
        // Exactly 25 intents in all, so at most 25 PATCHes: the SIMs changed are those.
        #expect(try harness.number("SELECT changes_started FROM dist_run") == 25)
        #expect(try harness.changeCounts().count <= 25)
        #expect(ended.stderr.contains(CLI.resumeHint), "\(ended.stderr)")
    }

    @Test func sigintOnTheCoordinatorStopsEveryWorkerAndResumeFinishesTheRun() throws {
        let harness = try DistributedHarness(fleet: 600, simulatorFlags: ["--latency-ms", "20", "--async-delay-ms", "300"])
        let coordinator = try harness.coordinator("stopped", ["--shard-size", "10", "--concurrency", "4"])
        let worker = try harness.worker("stopped", name: "w1")
        harness.waitUntil("SELECT count(*) FROM change", reaches: 20, while: coordinator)
        coordinator.send(SIGINT)
        let ended = try coordinator.wait()
        #expect(ended.status == 4, "\(ended.stderr)")
        let left = try worker.wait()
        #expect(left.status == 0, "\(left.stderr)")
        // Nothing held once both have stopped: the shards in hand were given back.
        #expect(try harness.number("SELECT count(*) FROM dist_shard WHERE state = 'leased'") == 0)
        #expect(try harness.number("SELECT count(*) FROM dist_shard WHERE state = 'pending'") > 0)
        let resumed = try harness.resume("stopped")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let planned = try #require(DistributedHarness.planned(ended.stdout))
        let counts = try harness.changeCounts()
        #expect(counts.count == planned && counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
    }

    @Test func sigintOnAWorkerGivesItsShardBackForAnotherToFinish() throws {
        let harness = try DistributedHarness(fleet: 400, simulatorFlags: ["--latency-ms", "20", "--async-delay-ms", "300"])
        let coordinator = try harness.coordinator("handover", ["--shard-size", "200", "--no-local-worker", "--concurrency", "4"])
        let first = try harness.worker("handover", name: "w1")
        harness.waitUntil("SELECT count(*) FROM change", reaches: 10, while: coordinator)
        first.send(SIGINT)
        let left = try first.wait()
        #expect(left.status == 4, "\(left.stderr)")
        #expect(left.stderr.contains("given back (interrupted by SIGINT)"), "\(left.stderr)")
        #expect(try harness.number("SELECT count(*) FROM dist_lease_event WHERE event = 'returned' AND worker = 'w1'") >= 1)
        let second = try harness.worker("handover", name: "w2")
        let ended = try coordinator.wait()
        #expect(ended.status == 0, "\(ended.stderr)")
        _ = try second.wait()
        let planned = try #require(DistributedHarness.planned(ended.stdout))
        let counts = try harness.changeCounts()
        #expect(counts.count == planned && counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
    }

    @Test func aScriptOfTheOldShapeCannotBeDistributed() throws {
        let directory = try CLI.workspace("print('hello')")
        let url = try PostgresTestCluster.shared().makeDatabase().absoluteString
        let result = try CLI.run(["run", "workflow.lua", "--distributed", "--no-api", "--journal", url], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("only a workflow can be distributed"), "\(result.stderr)")
        let sqlite = try CLI.run(["run", "workflow.lua", "--distributed", "--no-api", "--journal", directory + "/j.sqlite"], in: directory)
        #expect(sqlite.status == 2 && sqlite.stderr.contains("needs a PostgreSQL journal"), "\(sqlite.stderr)")
        let worker = try CLI.run(["worker", "--journal", url, "--run", "nope", "--no-api"].filter { $0 != "--no-api" })
        #expect(worker.status == 2, "\(worker.stderr)")
    }
}
