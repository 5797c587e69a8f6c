import Foundation
import Testing
@testable import CMOSchedule

@Suite("Job schedule state machine")
struct JobScheduleStateTests {
    private let t1 = Date(timeIntervalSince1970: 1_000)
    private let t2 = Date(timeIntervalSince1970: 2_000)
    private let t3 = Date(timeIntervalSince1970: 3_000)

    @Test func idleJobStarts() {
        var state = JobScheduleState(overlap: .skip, pauseAfterFailures: nil)
        #expect(state.fireDue(at: t1) == .start)
        #expect(state.running == 1)
        #expect(state.runFinished(success: true) == .none)
        #expect(state.running == 0)
    }

    @Test func skipDropsFiresWhileRunning() {
        var state = JobScheduleState(overlap: .skip, pauseAfterFailures: nil)
        _ = state.fireDue(at: t1)
        #expect(state.fireDue(at: t2) == .skip(.stillRunning))
        #expect(state.runFinished(success: true) == .none)
        #expect(state.fireDue(at: t3) == .start)
    }

    @Test func queueHoldsOneFire() {
        var state = JobScheduleState(overlap: .queue, pauseAfterFailures: nil)
        _ = state.fireDue(at: t1)
        #expect(state.fireDue(at: t2) == .enqueue)
        #expect(state.fireDue(at: t3) == .skip(.queueFull))
        #expect(state.runFinished(success: true) == .startQueued(fireTime: t2))
        #expect(state.running == 1)
        #expect(state.queuedFire == nil)
        #expect(state.runFinished(success: true) == .none)
    }

    @Test func allowRunsConcurrently() {
        var state = JobScheduleState(overlap: .allow, pauseAfterFailures: nil)
        #expect(state.fireDue(at: t1) == .start)
        #expect(state.fireDue(at: t2) == .start)
        #expect(state.running == 2)
    }

    @Test func pausesAfterConsecutiveFailuresAndDropsTheQueue() {
        var state = JobScheduleState(overlap: .queue, pauseAfterFailures: 2)
        _ = state.fireDue(at: t1)
        #expect(state.runFinished(success: false) == .none)
        #expect(state.consecutiveFailures == 1)
        _ = state.fireDue(at: t2)
        #expect(state.fireDue(at: t3) == .enqueue)
        #expect(state.runFinished(success: false) == .pause(consecutiveFailures: 2, droppedQueuedFire: t3))
        #expect(state.paused)
        #expect(state.fireDue(at: t3) == .skip(.paused))
    }

    @Test func successResetsTheFailureCount() {
        var state = JobScheduleState(overlap: .skip, pauseAfterFailures: 2)
        _ = state.fireDue(at: t1)
        _ = state.runFinished(success: false)
        _ = state.fireDue(at: t2)
        _ = state.runFinished(success: true)
        #expect(state.consecutiveFailures == 0)
        _ = state.fireDue(at: t3)
        #expect(state.runFinished(success: false) == .none)
        #expect(!state.paused)
    }

    @Test func resumeClearsPauseAndFailures() {
        var state = JobScheduleState(overlap: .skip, pauseAfterFailures: 1, consecutiveFailures: 4, paused: true)
        state.resume()
        #expect(!state.paused)
        #expect(state.consecutiveFailures == 0)
        #expect(state.fireDue(at: t1) == .start)
    }

    @Test func stopDropsTheQueuedFire() {
        var state = JobScheduleState(overlap: .queue, pauseAfterFailures: nil)
        _ = state.fireDue(at: t1)
        _ = state.fireDue(at: t2)
        #expect(state.stop() == t2)
        #expect(state.runFinished(success: true) == .none)
    }
}
