import Foundation
import Testing
@testable import CMOSchedule

/// What the `[[notify]]` webhooks are told, from the daemon's events alone (no network, no clock).
@Suite struct NotificationDecisionTests {
    let time = Date(timeIntervalSince1970: 1_800_000_000)

    func finished(_ job: String, exit: Int32, run: String = "r1", stopped: Bool = false) -> ScheduleEvent {
        .finished(
            job: job, fireTime: time,
            outcome: JobRunOutcome(runID: run, exitCode: exit, succeeded: exit == 0, stopped: stopped))
    }

    @Test func aFailureThenAPauseThenARecoveryAfterResume() {
        var decision = NotificationDecision()
        #expect(decision.observe(finished("a", exit: 0), at: time).isEmpty, "a success after successes says nothing")
        let first = decision.observe(finished("a", exit: 1, run: "r2"), at: time)
        #expect(first == [ScheduleNotification(
            job: "a", event: .failed, runID: "r2", exitCode: 1, consecutiveFailures: 1, time: time,
            summary: "job 'a': run r2 failed (exit 1; 1 failure in a row)")])
        let second = decision.observe(finished("a", exit: 3, run: "r3"), at: time)
        #expect(second.map(\.event) == [.failed] && second.first?.consecutiveFailures == 2)
        let paused = decision.observe(.paused(job: "a", consecutiveFailures: 2), at: time)
        #expect(paused == [ScheduleNotification(
            job: "a", event: .paused, runID: "r3", exitCode: 3, consecutiveFailures: 2, time: time,
            summary: "job 'a' paused after 2 failures in a row; resume it with 'cmo schedule resume FILE a'")])
        #expect(decision.observe(.resumed(job: "a"), at: time).isEmpty)
        let recovered = decision.observe(finished("a", exit: 0, run: "r4"), at: time)
        #expect(recovered.map(\.event) == [.recovered], "the first success after a resume is a recovery")
        #expect(recovered.first?.summary == "job 'a' recovered: run r4 succeeded after 2 failures in a row")
        #expect(recovered.first?.consecutiveFailures == 2, "the failures since the last success, across the resume")
        #expect(decision.observe(finished("a", exit: 0, run: "r5"), at: time).isEmpty, "only the first success")
    }

    @Test func exitFourIsAGuardUnlessTheDaemonIsStopping() {
        var decision = NotificationDecision()
        let guarded = decision.observe(finished("g", exit: 4, stopped: true), at: time)
        #expect(guarded.map(\.event) == [.guardTripped])
        #expect(guarded.first?.summary == "job 'g': run r1 stopped early (exit 4: a guard, its timeout or a budget; 1 failure in a row)")
        decision.shutdownBegan()
        #expect(decision.observe(finished("g", exit: 4, run: "r2", stopped: true), at: time).isEmpty)
        #expect(decision.observe(finished("g", exit: 1, run: "r3"), at: time).map(\.event) == [.failed],
            "a real failure during shutdown is still one")
    }

    @Test func aJobFailingBeforeARestartRecoversAfterIt() {
        var decision = NotificationDecision(records: [
            JobRecord(name: "b", lastRunID: "old", lastExitCode: 1, lastSucceeded: false, consecutiveFailures: 2),
            JobRecord(name: "c", lastSucceeded: true),
        ])
        let recovered = decision.observe(finished("b", exit: 0, run: "new"), at: time)
        #expect(recovered.first?.event == .recovered && recovered.first?.consecutiveFailures == 2)
        #expect(recovered.first?.summary == "job 'b' recovered: run new succeeded after 2 failures in a row")
        #expect(decision.observe(finished("c", exit: 0), at: time).isEmpty)
    }

    @Test func targetsFilterByEventAndJob() throws {
        let url = try #require(URL(string: "https://hooks.example.com/services/T0/B0/SECRET?token=x"))
        let target = NotifyTarget(url: url, events: [.failed, .recovered], jobs: ["a"])
        let failedA = ScheduleNotification(
            job: "a", event: .failed, runID: nil, exitCode: 1, consecutiveFailures: 1, time: time, summary: "")
        var pausedA = failedA
        pausedA.event = .paused
        var failedB = failedA
        failedB.job = "b"
        #expect(target.wants(failedA) && !target.wants(pausedA) && !target.wants(failedB))
        #expect(target.redactedURL == "https://hooks.example.com/…")
        #expect(NotifyTarget.redact(try #require(URL(string: "http://u:p@127.0.0.1:8080/x"))) == "http://127.0.0.1:8080/…")
    }
}
