import Foundation
import Testing

@testable import CMOSchedule

/// A run the daemon's own shutdown stopped (exit 4 while stopping) is recorded, but is not a failure of the job;
/// a run that stopped on its own (its timeout, a guard) while the daemon runs still is.
@Suite("A run stopped by the shutdown")
struct ShutdownStopTests {
    static let stopped = JobRunOutcome(runID: "r-stopped", exitCode: 4, succeeded: false, stopped: true)
    static let fire = instant("2024-06-01T10:15:00Z")

    static func job() -> ScheduledJob {
        ScheduledJob(
            name: "poll", cron: try! CronExpression("*/15 * * * *"), script: URL(fileURLWithPath: "/flows/poll.lua"),
            pauseAfterFailures: 1)
    }

    @Test func theStateMachineNeitherCountsNorClearsIt() {
        var state = JobScheduleState(overlap: .queue, pauseAfterFailures: 2, consecutiveFailures: 1)
        #expect(state.fireDue(at: Self.fire) == .start)
        #expect(state.fireDue(at: Self.fire.addingTimeInterval(900)) == .enqueue)
        _ = state.stop()
        #expect(state.runFinished(.stoppedByShutdown) == JobScheduleState.FinishAction.none)
        #expect(state.running == 0)
        #expect(state.consecutiveFailures == 1)
        #expect(!state.paused)
    }

    @Test func theDaemonRecordsItWithoutPausing() async {
        let harness = ScheduleDaemonTests.Harness(jobs: [Self.job()], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: Self.fire)
        #expect(await harness.next() == .started(job: "poll", fireTime: Self.fire, catchUp: false))

        await harness.daemon.beginStopping(grace: nil)
        let daemon = harness.daemon
        let stopping = Task { await daemon.shutdown(grace: nil) }
        await harness.probe.finish("poll", at: Self.fire, Self.stopped)
        #expect(await harness.next() == .finished(job: "poll", fireTime: Self.fire, outcome: Self.stopped))
        #expect(await harness.next() == .stopped, "no .paused event before it")
        await stopping.value
        await harness.runTask?.value
        let record = await harness.record("poll")
        #expect(record?.lastExitCode == 4)
        #expect(record?.lastRunID == "r-stopped")
        #expect(record?.consecutiveFailures == 0)
        #expect(record?.paused == false)
    }

    @Test func aRunThatStoppedOnItsOwnCountsAsAFailure() async {
        let harness = ScheduleDaemonTests.Harness(jobs: [Self.job()], now: "2024-06-01T10:05:00Z")
        await harness.start()
        harness.clock.advance(to: Self.fire)
        #expect(await harness.next() == .started(job: "poll", fireTime: Self.fire, catchUp: false))
        await harness.probe.finish("poll", at: Self.fire, Self.stopped)
        #expect(await harness.next() == .finished(job: "poll", fireTime: Self.fire, outcome: Self.stopped))
        #expect(await harness.next() == .paused(job: "poll", consecutiveFailures: 1))
        #expect(await harness.record("poll")?.paused == true)
        await harness.stop()
    }
}
