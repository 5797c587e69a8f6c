import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16's failure tests: workers killed and paused past their leases, the coordinator killed, the database
/// restarted. The witness: the simulator's per-product change counter (every SIM changed exactly once), and the
/// journal's audit of lease events and of who wrote each intent under which epoch.
@Suite(.serialized) struct DistributedFailureTests {
    /// 1. 3,000 SIMs in 30 shards, three workers, 5 % of requests dropped: one worker killed with SIGKILL, another
    ///    stopped with SIGSTOP past its lease and continued.
    @Test func workersKilledAndPausedPastTheirLeasesLeaveEverySIMChangedOnce() throws {
        let harness = try DistributedHarness(
            fleet: 10_000, simulatorFlags: ["--latency-ms", "5", "--async-delay-ms", "200", "--drop-rate", "0.05"])
        let coordinator = try harness.coordinator(
            "chaos", ["--shard-size", "100", "--no-local-worker", "--var", "limit=3000", "--concurrency", "50"])
        let workers = try ["w1", "w2", "w3"].map { try harness.worker("chaos", name: $0) }
        // Once changes are under way (at a random point), kill w1; then pause w2 until its lease ran out and its
        // shard was taken over.
        harness.waitUntil("SELECT count(*) FROM change", reaches: Int.random(in: 150...600), while: coordinator)
        workers[0].send(SIGKILL)
        harness.waitUntil("SELECT count(*) FROM change WHERE dist_worker = 'w2'", reaches: 150, while: coordinator)
        workers[1].send(SIGSTOP)
        harness.waitUntil(
            "SELECT count(*) FROM dist_lease_event t JOIN dist_lease_event h ON h.run_id = t.run_id AND h.shard = t.shard "
                + "AND h.epoch = t.epoch - 1 AND h.worker = 'w2' WHERE t.event = 'took_over'",
            reaches: 1, while: coordinator)
        workers[1].send(SIGCONT)
        let ended = try coordinator.wait(timeout: .seconds(600))
        #expect(ended.status == 0, "\(ended.stderr)")
        for worker in workers.dropFirst() { _ = try worker.wait() }

        // Every SIM changed exactly once.
        let counts = try harness.changeCounts()
        #expect(counts.count == 3_000, "\(counts.count) SIMs changed")
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
        // Every shard done, and ended once.
        #expect(try harness.number("SELECT count(*) FROM dist_shard WHERE state = 'done'") == 30)
        #expect(try harness.number("SELECT count(*) FROM dist_lease_event WHERE event = 'released'") == 30)
        // Both lost shards were taken over: w1's and w2's.
        for lost in ["w1", "w2"] {
            #expect(try harness.number("""
                SELECT count(*) FROM dist_lease_event t JOIN dist_lease_event h ON h.run_id = t.run_id
                AND h.shard = t.shard AND h.epoch = t.epoch - 1 AND h.worker = '\(lost)' WHERE t.event = 'took_over'
                """) >= 1, "no shard of \(lost) was taken over")
        }
        // The paused worker wrote no intent (so sent no request) under an epoch after it was taken over.
        #expect(try harness.number("""
            SELECT count(*) FROM change c JOIN dist_lease_event t ON t.run_id = c.run_id AND t.shard = c.dist_shard
            AND t.epoch = c.dist_epoch + 1 AND t.event = 'took_over'
            WHERE c.dist_worker = 'w2' AND c.intent_at >= t.at
            """) == 0)
        // No intent of a worker at an epoch other than the one it held (rows without a writer are the ends a
        // taker recorded for the open intents it resolved by reading).
        #expect(try harness.number("""
            SELECT count(*) FROM change c WHERE c.dist_worker IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dist_lease_event e WHERE e.run_id = c.run_id
            AND e.shard = c.dist_shard AND e.epoch = c.dist_epoch AND e.worker = c.dist_worker
            AND e.event IN ('claimed', 'took_over'))
            """) == 0)
    }

    /// 2. The coordinator killed (its own worker with it): `cmo run --resume RUN_ID --distributed` picks the run up.
    @Test func aKilledCoordinatorsRunIsPickedUpByResume() throws {
        let harness = try DistributedHarness(fleet: 1_000, simulatorFlags: ["--latency-ms", "10", "--async-delay-ms", "300"])
        let coordinator = try harness.coordinator("orphan", ["--shard-size", "25", "--concurrency", "10"])
        harness.waitUntil("SELECT count(*) FROM change", reaches: 60, while: coordinator)
        coordinator.send(SIGKILL)
        let killed = try coordinator.wait()
        #expect(killed.terminationReason == .uncaughtSignal, "the run ended before it was killed: \(killed.stderr)")
        let planned = try #require(DistributedHarness.planned(killed.stdout))
        let resumed = try harness.resume("orphan")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let counts = try harness.changeCounts()
        #expect(counts.count == planned && counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
        #expect(try harness.number("SELECT exit_code FROM run WHERE id = 'orphan'") == 0)
        // The shard the killed coordinator held was taken over after its lease.
        #expect(try harness.number("SELECT count(*) FROM dist_lease_event WHERE event = 'took_over'") >= 1)
    }

    /// 3. The database restarted mid-run: the workers reconnect and finish.
    @Test func theDatabaseRestartedMidRunTheWorkersReconnectAndFinish() throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        let harness = try DistributedHarness(
            fleet: 1_000, simulatorFlags: ["--latency-ms", "10", "--async-delay-ms", "300"], cluster: cluster)
        let coordinator = try harness.coordinator("restart", ["--shard-size", "25", "--concurrency", "10"])
        let worker = try harness.worker("restart", name: "w1")
        harness.waitUntil("SELECT count(*) FROM change", reaches: 60, while: coordinator)
        #expect(coordinator.isRunning)
        try cluster.restart()
        let ended = try coordinator.wait(timeout: .seconds(600))
        #expect(ended.status == 0, "\(ended.stderr)")
        _ = try worker.wait()
        let planned = try #require(DistributedHarness.planned(ended.stdout))
        let counts = try harness.changeCounts()
        #expect(counts.count == planned && counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
    }
}
