import CMOJournal
import CMOSchedule
import Foundation
import Testing

/// `cmo schedule resume FILE JOB` on a journal replicas share: one statement un-pauses the job and clears its
/// failure count, and leaves what a replica wrote meanwhile (its fire time, its last run) as it is.
@Suite struct ScheduleResumeTests {
    @Test(arguments: JournalStoreKind.allCases)
    func resumingChangesOnlyThePauseAndTheFailureCount(_ kind: JournalStoreKind) async throws {
        let store = try JournalStore.fresh(kind)
        try await store.with { journal in
            let schedule = "/srv/cmo/jobs.toml"
            let jobs = JournalScheduleStore(journal: journal, schedule: schedule)
            let firedAt = Date(timeIntervalSince1970: 1_767_225_600)
            try await jobs.save(JobRecord(
                name: "nightly", scheduledThrough: firedAt, lastFireTime: firedAt, lastRunID: "run-1", lastExitCode: 1,
                lastSucceeded: false, consecutiveFailures: 3, paused: true))
            // The operator read the record before a replica moved the job on (a stale copy a rewrite would restore).
            let stale = try #require(try await jobs.load(job: "nightly"))
            try await jobs.advanceScheduledThrough(job: "nightly", to: firedAt.addingTimeInterval(3600))

            #expect(try await jobs.resume(job: "nightly"))
            let resumed = try #require(try await jobs.load(job: "nightly"))
            #expect(!resumed.paused && resumed.consecutiveFailures == 0)
            #expect(resumed.scheduledThrough == firedAt.addingTimeInterval(3600), "not the stale \(stale.scheduledThrough as Any)")
            #expect(resumed.lastRunID == "run-1" && resumed.lastExitCode == 1)
            // A job not paused, or not there, is not resumed.
            #expect(try await jobs.resume(job: "nightly") == false)
            #expect(try await jobs.resume(job: "unknown") == false)
        }
    }
}
