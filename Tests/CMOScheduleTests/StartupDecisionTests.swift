import Foundation
import Testing
@testable import CMOSchedule

@Suite("Start-up catch-up decision")
struct StartupDecisionTests {
    private func job(catchUp: CatchUpPolicy, window: Duration = .seconds(3_600)) throws -> ScheduledJob {
        ScheduledJob(
            name: "hourly",
            cron: try CronExpression("0 * * * *"),
            script: URL(fileURLWithPath: "/x.lua"),
            catchUp: catchUp,
            catchUpWindow: window
        )
    }

    private func record(through: String?, paused: Bool = false) -> JobRecord {
        JobRecord(name: "hourly", scheduledThrough: through.map(instant), paused: paused)
    }

    @Test func neverSeenJobStartsFromNow() throws {
        #expect(StartupDecision(job: try job(catchUp: .last), record: nil, now: instant("2024-06-01T10:30:00Z")) == .firstSeen)
        #expect(StartupDecision(job: try job(catchUp: .last), record: record(through: nil), now: instant("2024-06-01T10:30:00Z")) == .firstSeen)
    }

    @Test func upToDate() throws {
        let decision = StartupDecision(job: try job(catchUp: .last), record: record(through: "2024-06-01T10:00:00Z"), now: instant("2024-06-01T10:59:59Z"))
        #expect(decision == .upToDate)
    }

    @Test func catchesUpOnlyTheLastMissedFire() throws {
        let decision = StartupDecision(job: try job(catchUp: .last), record: record(through: "2024-06-01T08:00:00Z"), now: instant("2024-06-01T11:30:00Z"))
        #expect(decision == .catchUp(missedFire: instant("2024-06-01T11:00:00Z")))
    }

    @Test func catchUpIncludesTheWindowEdge() throws {
        let decision = StartupDecision(job: try job(catchUp: .last), record: record(through: "2024-06-01T09:00:00Z"), now: instant("2024-06-01T11:00:00Z").addingTimeInterval(-1))
        #expect(decision == .catchUp(missedFire: instant("2024-06-01T10:00:00Z")))
        let edge = StartupDecision(job: try job(catchUp: .last, window: .seconds(1_800)), record: record(through: "2024-06-01T09:00:00Z"), now: instant("2024-06-01T10:30:00Z"))
        #expect(edge == .catchUp(missedFire: instant("2024-06-01T10:00:00Z")))
    }

    @Test func missedFireOutsideTheWindowIsNotCaughtUp() throws {
        let decision = StartupDecision(
            job: try job(catchUp: .last, window: .seconds(20 * 60)),
            record: record(through: "2024-06-01T09:00:00Z"),
            now: instant("2024-06-01T10:30:00Z")
        )
        #expect(decision == .missedOutsideWindow(firstMissed: instant("2024-06-01T10:00:00Z")))
    }

    @Test func catchUpNoneDropsMissedFires() throws {
        let decision = StartupDecision(job: try job(catchUp: .never), record: record(through: "2024-06-01T07:00:00Z"), now: instant("2024-06-01T10:30:00Z"))
        #expect(decision == .dropMissed(firstMissed: instant("2024-06-01T08:00:00Z")))
    }

    @Test func pausedJobDoesNotCatchUp() throws {
        let decision = StartupDecision(job: try job(catchUp: .last), record: record(through: "2024-06-01T09:00:00Z", paused: true), now: instant("2024-06-01T10:30:00Z"))
        #expect(decision == .paused)
    }
}
