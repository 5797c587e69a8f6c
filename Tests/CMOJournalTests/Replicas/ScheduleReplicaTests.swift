import CMOJournal
import CMOSchedule
import CMOTestSupport
import Foundation
import Testing

/// Schedule replicas on one PostgreSQL journal: daemons with their own clocks and connection pools, no leader, and
/// each job fired once per fire time (the journal's `schedule_fire` rows are the witness).
@Suite struct ScheduleReplicaTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_630)  // 2026-01-01T00:00:30Z

    /// The minute fire `k` (1-based) after ``start``.
    static func fire(_ k: Int) -> Date { start.addingTimeInterval(Double(30 + 60 * (k - 1))) }

    @Test func threeReplicasOverAThousandFiresDecideEachFireOnce() async throws {
        let harness = try ReplicaHarness()
        let skipper = try harness.job("skipper", overlap: .skip)
        let queuer = try harness.job("queuer", overlap: .queue)
        var replicas: [ReplicaHarness.Replica] = []
        for name in ["r1", "r2", "r3"] {
            replicas.append(try await harness.start(name, jobs: [skipper, queuer], now: Self.start))
        }
        for replica in replicas { await replica.clock.waitForSleepers(1) }
        var random = SeededGenerator(seed: 15)
        // Each run ends 0, 1 or 2 fires after it started: the next fire finds it running (skipped or queued) or not.
        var ends = RandomRunEnds(seed: 16)
        let fires = 1_000
        for k in 1...fires {
            await ends.finishDue(at: k, harness.probe)
            // All three wake for the fire at once (in a random order, up to 2 s apart) and race for it.
            for replica in replicas.shuffled(using: &random) {
                replica.clock.advance(to: Self.fire(k).addingTimeInterval(Double(Int.random(in: 0..<3, using: &random))))
            }
            for replica in replicas { await replica.clock.waitForSleepers(1) }
            ends.schedule(launched: await harness.probe.launches.count, at: k)
        }
        await harness.stop(replicas)

        let journal = replicas[0].journal
        let launches = await harness.probe.launches
        for job in [skipper, queuer] {
            let rows = try await journal.fires(schedule: harness.schedule, job: job.name)
            #expect(rows.count == fires, "\(job.name): one decision per fire time")
            #expect(Set(rows.map(\.fireTime)) == Set((1...fires).map(Self.fire)))
            let runs = launches.filter { $0.job == job.name }
            #expect(rows.filter { $0.decision == .started }.count == runs.count, "\(job.name): started runs == decisions")
            #expect(Set(runs.map(\.fireTime)).count == runs.count, "\(job.name): no fire launched twice")
            #expect(await harness.probe.maxOpen[job.name] == 1, "\(job.name): runs never overlap")
        }
        let skipperRows = try await journal.fires(schedule: harness.schedule, job: skipper.name)
        #expect(skipperRows.contains { $0.decision == .skipped }, "some fires found the previous run still going")
        // Queued fires start when the run before them ends, so the queue job runs fires the skip job drops.
        #expect(launches.filter { $0.job == queuer.name }.count > launches.filter { $0.job == skipper.name }.count)
        for replica in replicas { await replica.journal.close() }
    }

    /// Issue 15's failure test 6, with the skew where the scheduler reads it: the replica's clock. (Under Debian's
    /// libfaketime a `cmo` process cannot run: the timers libdispatch arms for Swift's `Task.sleep` either fire at
    /// once, and the process spins, or never, depending on whether the monotonic clocks are faked too.)
    @Test func aReplicaWhoseClockIsThirtySecondsAheadStillDecidesEachFireOnce() async throws {
        let harness = try ReplicaHarness()
        let job = try harness.job("skipper", overlap: .skip)
        let ahead = try await harness.start("ahead", jobs: [job], now: Self.start.addingTimeInterval(30))
        var onTime: [ReplicaHarness.Replica] = []
        for name in ["on-time-1", "on-time-2"] { onTime.append(try await harness.start(name, jobs: [job], now: Self.start)) }
        let replicas = [ahead] + onTime
        for replica in replicas { await replica.clock.waitForSleepers(1) }
        var random = SeededGenerator(seed: 6)
        var ends = RandomRunEnds(seed: 7)
        let fires = 200
        for k in 1...fires {
            await ends.finishDue(at: k, harness.probe)
            // The replica 30 s ahead reaches the fire time first; the others, 30 real seconds later, find the fire
            // decided (or, when that replica is slow to claim, race it).
            ahead.clock.advance(to: Self.fire(k))
            if Bool.random(using: &random) { await ahead.clock.waitForSleepers(1) }
            for replica in onTime { replica.clock.advance(to: Self.fire(k)) }
            ahead.clock.advance(to: Self.fire(k).addingTimeInterval(30))
            for replica in replicas { await replica.clock.waitForSleepers(1) }
            ends.schedule(launched: await harness.probe.launches.count, at: k)
        }
        await harness.stop(replicas)

        let rows = try await ahead.journal.fires(schedule: harness.schedule, job: job.name)
        #expect(rows.count == fires, "one decision per fire time")
        #expect(Set(rows.map(\.fireTime)) == Set((1...fires).map(Self.fire)))
        let runs = await harness.probe.launches
        #expect(rows.filter { $0.decision == .started }.count == runs.count, "started runs == decisions")
        #expect(Set(runs.map(\.fireTime)).count == runs.count, "no fire launched twice")
        #expect(await harness.probe.maxOpen[job.name] == 1, "runs never overlap")
        #expect(rows.contains { $0.replica == "ahead" } && rows.contains { $0.decision == .skipped })
        for replica in replicas { await replica.journal.close() }
    }

    @Test func allReplicasDownAcrossTwoFiresCatchUpOnceWhenThreeStartAtOnce() async throws {
        let harness = try ReplicaHarness()
        let job = try harness.job("nightly", catchUp: .last)
        // Up for fire 1.
        var first: [ReplicaHarness.Replica] = []
        for name in ["r1", "r2", "r3"] { first.append(try await harness.start(name, jobs: [job], now: Self.start)) }
        for replica in first { await replica.clock.waitForSleepers(1) }
        for replica in first {
            replica.clock.advance(to: Self.fire(1))
            await replica.clock.waitForSleepers(1)
        }
        await harness.stop(first)
        // Down across fires 2 and 3; three start at once a little after fire 3.
        let restart = Self.fire(3).addingTimeInterval(20)
        var second: [ReplicaHarness.Replica] = []
        for name in ["r4", "r5", "r6"] { second.append(try await harness.start(name, jobs: [job], now: restart)) }
        for replica in second { await replica.clock.waitForSleepers(1) }
        await harness.stop(second)

        let launches = await harness.probe.launches
        #expect(launches.filter { $0.fireTime == Self.fire(1) }.count == 1)
        #expect(launches.filter { $0.fireTime == Self.fire(3) }.count == 1, "exactly one catch-up fire: \(launches)")
        #expect(launches.count == 2, "\(launches)")
        let rows = try await second[0].journal.fires(schedule: harness.schedule, job: job.name)
        #expect(rows.map(\.fireTime) == [Self.fire(1), Self.fire(3)])
        #expect(rows.allSatisfy { $0.decision == .started && $0.ended })
        for replica in first + second { await replica.journal.close() }
    }
}

/// A small deterministic random source (SplitMix64), so a failing sequence can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
