import Foundation
import Logging
import Testing
@testable import CMOSchedule

@Suite("Schedule daemon")
struct ScheduleDaemonTests {
    /// A daemon over one or more jobs, its clock, store, probe and event iterator.
    final class Harness: @unchecked Sendable {
        let clock: ManualScheduleClock
        let store: InMemoryScheduleStateStore
        let probe = LaunchProbe()
        let daemon: ScheduleDaemon
        var events: AsyncStream<ScheduleEvent>.Iterator
        var runTask: Task<Void, Never>?

        init(
            jobs: [ScheduledJob],
            now: String,
            records: [JobRecord] = [],
            configuration: ScheduleDaemon.Configuration = .init(pausedRecheckInterval: nil)
        ) {
            clock = ManualScheduleClock(now: instant(now))
            store = InMemoryScheduleStateStore(records: records)
            daemon = ScheduleDaemon(
                jobs: jobs,
                clock: clock,
                store: store,
                launcher: probe.launcher,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                configuration: configuration
            )
            events = daemon.events.makeAsyncIterator()
        }

        /// Starts the daemon and waits until it is parked until its first wake-up.
        func start() async {
            let daemon = self.daemon
            runTask = Task { await daemon.run() }
            await clock.waitForSleepers(1)
        }

        func next() async -> ScheduleEvent? {
            await events.next()
        }

        func record(_ name: String) async -> JobRecord? {
            await store.load(job: name)
        }

        /// Shuts down (no in-flight runs expected) and checks the stream ends with `.stopped`.
        func stop() async {
            await daemon.shutdown()
            await runTask?.value
            #expect(await next() == .stopped)
            #expect(await next() == nil)
        }
    }

    private static func job(
        _ name: String = "poll",
        cron: String = "*/15 * * * *",
        overlap: OverlapPolicy = .skip,
        catchUp: CatchUpPolicy = .never,
        window: Duration = .seconds(3_600),
        pauseAfter: Int? = nil
    ) -> ScheduledJob {
        ScheduledJob(
            name: name,
            cron: try! CronExpression(cron),
            script: URL(fileURLWithPath: "/flows/\(name).lua"),
            overlap: overlap,
            catchUp: catchUp,
            catchUpWindow: window,
            pauseAfterFailures: pauseAfter
        )
    }

    @Test func firesAtTheScheduledTimesAndPersists() async {
        let harness = Harness(jobs: [Self.job()], now: "2024-06-01T10:05:00Z")
        await harness.start()
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T10:15:00Z")])
        // First seen: the baseline is recorded, nothing is caught up.
        #expect(await harness.record("poll") == JobRecord(name: "poll", scheduledThrough: instant("2024-06-01T10:05:00Z")))

        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T10:30:00Z")])

        harness.clock.advance(to: instant("2024-06-01T10:16:00Z"))
        await harness.probe.finish("poll", at: instant("2024-06-01T10:15:00Z"), .success("run-1"))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: .success("run-1")))
        #expect(await harness.record("poll") == JobRecord(
            name: "poll",
            scheduledThrough: instant("2024-06-01T10:15:00Z"),
            lastFireTime: instant("2024-06-01T10:15:00Z"),
            lastRunID: "run-1",
            lastExitCode: 0,
            lastSucceeded: true,
            lastFinishedAt: instant("2024-06-01T10:16:00Z")
        ))

        await harness.probe.finish("poll", at: instant("2024-06-01T10:30:00Z"), .success("run-2"))
        harness.clock.advance(to: instant("2024-06-01T10:30:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), catchUp: false))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), outcome: .success("run-2")))
        await harness.clock.waitForSleepers(1)
        #expect(await harness.probe.launches == ["poll@\(Int(instant("2024-06-01T10:15:00Z").timeIntervalSince1970))", "poll@\(Int(instant("2024-06-01T10:30:00Z").timeIntervalSince1970))"])

        let status = await harness.daemon.status(now: instant("2024-06-01T10:31:00Z"))
        #expect(status.map(\.nextFireTime) == [instant("2024-06-01T10:45:00Z")])
        #expect(status.map(\.lastRunID) == ["run-2"])
        await harness.stop()
    }

    @Test func firesAcrossTheSpringChangeInTheJobsTimeZone() async {
        var job = Self.job("nightly", cron: "30 2 * * *")
        job.timeZone = zone("Europe/Berlin")
        // Saturday 2027-03-27, noon UTC; that night Berlin skips from 02:00 to 03:00.
        let harness = Harness(jobs: [job], now: "2027-03-27T12:00:00Z")
        await harness.start()
        // 02:30 does not exist on the 28th: the job fires once, at 03:00 CEST (01:00 UTC).
        #expect(harness.clock.sleeperDeadlines == [instant("2027-03-28T01:00:00Z")])
        await harness.probe.finish("nightly", at: instant("2027-03-28T01:00:00Z"), .success("run-1"))
        harness.clock.advance(to: instant("2027-03-28T01:00:00Z"))
        #expect(await harness.next() == .started(job: "nightly", fireTime: instant("2027-03-28T01:00:00Z"), catchUp: false))
        #expect(await harness.next() == .finished(job: "nightly", fireTime: instant("2027-03-28T01:00:00Z"), outcome: .success("run-1")))
        await harness.clock.waitForSleepers(1)
        // The next night is summer time: 02:30 CEST is 00:30 UTC.
        #expect(harness.clock.sleeperDeadlines == [instant("2027-03-29T00:30:00Z")])
        await harness.stop()
    }

    @Test func firesEachJobOnItsOwnSchedule() async {
        let harness = Harness(jobs: [Self.job("a", cron: "0 * * * *"), Self.job("b", cron: "30 * * * *")], now: "2024-06-01T10:05:00Z")
        await harness.start()
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T10:30:00Z")])
        harness.clock.advance(to: instant("2024-06-01T10:30:00Z"))
        #expect(await harness.next() == .started(job: "b", fireTime: instant("2024-06-01T10:30:00Z"), catchUp: false))
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T11:00:00Z")])
        await harness.probe.finish("b", at: instant("2024-06-01T10:30:00Z"), .success("b1"))
        #expect(await harness.next() == .finished(job: "b", fireTime: instant("2024-06-01T10:30:00Z"), outcome: .success("b1")))
        await harness.stop()
    }

    @Test func overlapSkipDropsTheFire() async {
        let harness = Harness(jobs: [Self.job(overlap: .skip)], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(to: instant("2024-06-01T10:30:00Z"))
        #expect(await harness.next() == .skipped(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), reason: .stillRunning))
        await harness.probe.finish("poll", at: instant("2024-06-01T10:15:00Z"), .success("r1"))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: .success("r1")))
        #expect(await harness.probe.launches.count == 1)
        #expect(await harness.record("poll")?.scheduledThrough == instant("2024-06-01T10:30:00Z"))
        await harness.stop()
    }

    @Test func overlapQueueRunsRightAfterAndHoldsOnlyOne() async {
        let harness = Harness(jobs: [Self.job(overlap: .queue)], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(to: instant("2024-06-01T10:30:00Z"))
        #expect(await harness.next() == .queued(job: "poll", fireTime: instant("2024-06-01T10:30:00Z")))
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(to: instant("2024-06-01T10:45:00Z"))
        #expect(await harness.next() == .skipped(job: "poll", fireTime: instant("2024-06-01T10:45:00Z"), reason: .queueFull))

        await harness.probe.finish("poll", at: instant("2024-06-01T10:15:00Z"), .success("r1"))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: .success("r1")))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), catchUp: false))
        await harness.probe.finish("poll", at: instant("2024-06-01T10:30:00Z"), .success("r2"))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), outcome: .success("r2")))
        #expect(await harness.probe.launches.count == 2)
        #expect(await harness.record("poll")?.lastFireTime == instant("2024-06-01T10:30:00Z"))
        await harness.stop()
    }

    @Test func overlapAllowRunsConcurrently() async {
        let harness = Harness(jobs: [Self.job(overlap: .allow)], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(to: instant("2024-06-01T10:30:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), catchUp: false))
        #expect(await harness.daemon.status(now: instant("2024-06-01T10:30:00Z")).first?.running == 2)
        await harness.probe.finish("poll", at: instant("2024-06-01T10:30:00Z"), .success("second"))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), outcome: .success("second")))
        await harness.probe.finish("poll", at: instant("2024-06-01T10:15:00Z"), .success("first"))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: .success("first")))
        await harness.stop()
    }

    @Test func catchUpLastRunsTheLastMissedFireOnce() async {
        let harness = Harness(
            jobs: [Self.job(cron: "0 * * * *", catchUp: .last)],
            now: "2024-06-01T11:30:00Z",
            records: [JobRecord(name: "poll", scheduledThrough: instant("2024-06-01T08:00:00Z"))]
        )
        await harness.probe.finish("poll", at: instant("2024-06-01T11:00:00Z"), .success("caught-up"))
        await harness.start()
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T11:00:00Z"), catchUp: true))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T11:00:00Z"), outcome: .success("caught-up")))
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T12:00:00Z")])
        #expect(await harness.probe.launches.count == 1)
        #expect(await harness.record("poll")?.scheduledThrough == instant("2024-06-01T11:30:00Z"))
        await harness.stop()
    }

    @Test func catchUpLastOutsideTheWindowDoesNotRun() async {
        let harness = Harness(
            jobs: [Self.job(cron: "0 * * * *", catchUp: .last, window: .seconds(1_200))],
            now: "2024-06-01T11:30:00Z",
            records: [JobRecord(name: "poll", scheduledThrough: instant("2024-06-01T10:30:00Z"))]
        )
        await harness.start()
        #expect(await harness.next() == .missed(job: "poll", firstMissed: instant("2024-06-01T11:00:00Z")))
        #expect(await harness.probe.launches.isEmpty)
        #expect(await harness.record("poll")?.scheduledThrough == instant("2024-06-01T11:30:00Z"))
        await harness.stop()
    }

    @Test func catchUpNoneDropsMissedFires() async {
        let harness = Harness(
            jobs: [Self.job(cron: "0 * * * *", catchUp: .never)],
            now: "2024-06-01T11:30:00Z",
            records: [JobRecord(name: "poll", scheduledThrough: instant("2024-06-01T09:30:00Z"))]
        )
        await harness.start()
        #expect(await harness.next() == .missed(job: "poll", firstMissed: instant("2024-06-01T10:00:00Z")))
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T12:00:00Z")])
        #expect(await harness.probe.launches.isEmpty)
        #expect(await harness.record("poll")?.scheduledThrough == instant("2024-06-01T11:30:00Z"))
        await harness.stop()
    }

    @Test func firstSeenJobDoesNotCatchUp() async {
        let harness = Harness(jobs: [Self.job(cron: "0 * * * *", catchUp: .last)], now: "2024-06-01T11:30:00Z")
        await harness.start()
        #expect(await harness.record("poll")?.scheduledThrough == instant("2024-06-01T11:30:00Z"))
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T12:00:00Z")])
        #expect(await harness.probe.launches.isEmpty)
        await harness.stop()
    }

    @Test func pausesAfterFailuresUntilResumed() async {
        let harness = Harness(jobs: [Self.job(pauseAfter: 2)], now: "2024-06-01T10:05:00Z")
        await harness.probe.finish("poll", at: instant("2024-06-01T10:15:00Z"), .failure("f1"))
        await harness.probe.finish("poll", at: instant("2024-06-01T10:30:00Z"), .failure("f2"))
        await harness.start()
        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: .failure("f1")))
        #expect(await harness.record("poll")?.consecutiveFailures == 1)
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(to: instant("2024-06-01T10:30:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), catchUp: false))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:30:00Z"), outcome: .failure("f2")))
        #expect(await harness.next() == .paused(job: "poll", consecutiveFailures: 2))

        let record = await harness.record("poll")
        #expect(record?.paused == true)
        #expect(record?.consecutiveFailures == 2)
        #expect(record?.lastExitCode == 1)
        let status = await harness.daemon.status(now: instant("2024-06-01T10:31:00Z"))
        #expect(status.first?.paused == true)
        #expect(status.first?.nextFireTime == nil)

        // Paused: the 10:45 fire launches nothing, and then there is nothing to wake for.
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(to: instant("2024-06-01T10:45:00Z"))
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.sleeperDeadlines == [.distantFuture])
        #expect(await harness.probe.launches.count == 2)

        #expect(await harness.daemon.resume(job: "poll"))
        #expect(await harness.next() == .resumed(job: "poll"))
        #expect(await harness.record("poll")?.paused == false)
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T11:00:00Z")])
        await harness.stop()
    }

    @Test func successResetsTheFailureCount() async {
        let harness = Harness(jobs: [Self.job(pauseAfter: 2)], now: "2024-06-01T10:05:00Z")
        let fires = ["10:15", "10:30", "10:45"].map { instant("2024-06-01T\($0):00Z") }
        let outcomes: [JobRunOutcome] = [.failure("f1"), .success("ok"), .failure("f2")]
        for (fire, outcome) in zip(fires, outcomes) {
            await harness.probe.finish("poll", at: fire, outcome)
        }
        await harness.start()
        var failures: [Int] = []
        for (fire, outcome) in zip(fires, outcomes) {
            harness.clock.advance(to: fire)
            #expect(await harness.next() == .started(job: "poll", fireTime: fire, catchUp: false))
            #expect(await harness.next() == .finished(job: "poll", fireTime: fire, outcome: outcome))
            failures.append(await harness.record("poll")?.consecutiveFailures ?? -1)
            await harness.clock.waitForSleepers(1)
        }
        #expect(failures == [1, 0, 1])
        #expect(await harness.record("poll")?.paused == false)
        await harness.stop()
    }

    @Test func pausedJobResumedByAnotherProcessIsPickedUp() async throws {
        let harness = Harness(
            jobs: [Self.job(pauseAfter: 1)],
            now: "2024-06-01T10:05:00Z",
            records: [JobRecord(name: "poll", scheduledThrough: instant("2024-06-01T10:00:00Z"), consecutiveFailures: 1, paused: true)],
            configuration: .init(pausedRecheckInterval: .seconds(60))
        )
        await harness.start()
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T10:06:00Z")])
        #expect(try await harness.store.resume(job: "poll"))
        harness.clock.advance(to: instant("2024-06-01T10:06:00Z"))
        #expect(await harness.next() == .resumed(job: "poll"))
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T10:15:00Z")])
        await harness.stop()
    }

    @Test func shutdownStopsFiringAndWaitsForInFlightRuns() async {
        let harness = Harness(jobs: [Self.job()], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))

        await harness.daemon.beginStopping(grace: nil)
        let daemon = harness.daemon
        let stopper = Task { await daemon.shutdown(grace: nil) }
        harness.clock.advance(to: instant("2024-06-01T11:00:00Z"))
        await harness.probe.finish("poll", at: instant("2024-06-01T10:15:00Z"), .success("last"))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: .success("last")))
        #expect(await harness.next() == .stopped)
        await stopper.value
        await harness.runTask?.value
        #expect(await harness.probe.launches.count == 1)
        #expect(await harness.record("poll")?.lastRunID == "last")
    }

    @Test func shutdownGraceCancelsRunsStillGoing() async {
        let harness = Harness(jobs: [Self.job()], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))

        await harness.daemon.beginStopping(grace: .seconds(30))
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.sleeperDeadlines == [instant("2024-06-01T10:15:30Z")])
        harness.clock.advance(by: .seconds(30))
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: LaunchProbe.cancelled))
        #expect(await harness.next() == .stopped)
        await harness.runTask?.value
        #expect(await harness.record("poll")?.lastExitCode == 130)
    }

    @Test func cancellingRunCancelsInFlightRuns() async {
        let harness = Harness(jobs: [Self.job()], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: instant("2024-06-01T10:15:00Z"))
        #expect(await harness.next() == .started(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), catchUp: false))
        harness.runTask?.cancel()
        #expect(await harness.next() == .finished(job: "poll", fireTime: instant("2024-06-01T10:15:00Z"), outcome: LaunchProbe.cancelled))
        #expect(await harness.next() == .stopped)
        await harness.runTask?.value
    }

    @Test func statusFromTheStoreWithoutADaemon() async throws {
        let jobs = [Self.job("a", cron: "0 * * * *"), Self.job("b", cron: "30 * * * *")]
        let store = InMemoryScheduleStateStore(records: [
            JobRecord(name: "a", lastFireTime: instant("2024-06-01T10:00:00Z"), lastRunID: "r9", lastExitCode: 0),
            JobRecord(name: "b", consecutiveFailures: 3, paused: true),
        ])
        let statuses = try await JobStatus.report(for: jobs, store: store, now: instant("2024-06-01T10:10:00Z"))
        #expect(statuses.map(\.name) == ["a", "b"])
        #expect(statuses[0].nextFireTime == instant("2024-06-01T11:00:00Z"))
        #expect(statuses[0].lastRunID == "r9")
        #expect(statuses[1].paused)
        #expect(statuses[1].nextFireTime == nil)
        #expect(statuses[1].consecutiveFailures == 3)
    }
}
