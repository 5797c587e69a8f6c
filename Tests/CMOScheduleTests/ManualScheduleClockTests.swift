import Foundation
import Testing
import CMOSchedule

@Suite("Manual schedule clock")
struct ManualScheduleClockTests {
    @Test func wakesSleepersWhoseDeadlinePassedInOrder() async throws {
        let start = instant("2024-06-01T10:00:00Z")
        let clock = ManualScheduleClock(now: start)
        let late = Task { try await clock.sleep(until: start.addingTimeInterval(120)) }
        let early = Task { try await clock.sleep(until: start.addingTimeInterval(60)) }
        await clock.waitForSleepers(2)
        #expect(clock.sleeperDeadlines == [start.addingTimeInterval(60), start.addingTimeInterval(120)])

        clock.advance(by: .seconds(60))
        try await early.value
        #expect(clock.sleeperCount == 1)
        #expect(clock.now() == start.addingTimeInterval(60))

        clock.advance(to: start.addingTimeInterval(500))
        try await late.value
        #expect(clock.sleeperCount == 0)
    }

    @Test func pastDeadlineReturnsAtOnce() async throws {
        let clock = ManualScheduleClock(now: instant("2024-06-01T10:00:00Z"))
        try await clock.sleep(until: instant("2024-06-01T09:00:00Z"))
        #expect(clock.sleeperCount == 0)
    }

    @Test func cancellationEndsTheSleep() async {
        let clock = ManualScheduleClock(now: instant("2024-06-01T10:00:00Z"))
        let sleeper = Task { try await clock.sleep(until: .distantFuture) }
        await clock.waitForSleepers(1)
        sleeper.cancel()
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.sleeperCount == 0)
    }
}
