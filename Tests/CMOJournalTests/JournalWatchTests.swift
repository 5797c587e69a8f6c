import Foundation
import Testing

@testable import CMOJournal

/// What the schedule daemon's window, `cmo runs` and a run's summary read, on both stores: runs by sequence number,
/// the probe, changes failures first, counts by state, finishers of failed runs; and the background writes.
@Suite struct JournalWatchTests {
    static func run(_ id: String, job: String? = nil, resuming root: RunEntry? = nil, at seconds: Double) -> RunEntry {
        RunEntry(
            id: id, rootID: root?.rootID, resumedFrom: root?.id, scriptPath: "/w.lua", scriptHash: "h", job: job,
            startedAt: Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: JournalStoreKind.allCases)
    func talliesComeInTheOrderRunsBeganAndSeeTheirEnds(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            #expect(try await journal.runTallies(after: 0, limit: 10) == [])
            // Begun out of start-time order: tallies follow the order of the rows.
            let runs = [
                Self.run("r-b", job: "nightly", at: 2_000), Self.run("r-a", at: 1_000), Self.run("r-c", at: 3_000),
            ]
            for run in runs { try await journal.begin(run) }
            let all = try await journal.runTallies(after: 0, limit: 10)
            #expect(all.map(\.id) == ["r-b", "r-a", "r-c"])
            #expect(all.map(\.rowID) == all.map(\.rowID).sorted() && Set(all.map(\.rowID)).count == 3)
            #expect(all[0].job == "nightly" && all[1].job == nil)
            #expect(all[0].startedAt == Date(timeIntervalSince1970: 2_000))
            #expect(all.allSatisfy { !$0.isFinished && $0.counts == [:] && $0.api == nil && $0.endedAt == nil })
            #expect(try await journal.runTallies(after: all[0].rowID, limit: 1).map(\.id) == ["r-a"])
            #expect(try await journal.runTallies(after: all[2].rowID, limit: 10) == [])

            let api = RunAPICounts(requests: 12, retries: 2, rateLimited: 1, tokenFetches: 1)
            try await journal.finish(
                runID: "r-a", exitCode: 3, stopReason: nil, counts: ["changed": 4, "failed": 1], api: api,
                at: Date(timeIntervalSince1970: 1_060))
            try await journal.finish(runID: "r-c", exitCode: 0, stopReason: nil, counts: [:], api: nil, at: Date(timeIntervalSince1970: 3_001))
            let seen = try await journal.runTallies(rowIDs: [all[2].rowID, all[1].rowID, 987_654])
            #expect(seen.map(\.id) == ["r-a", "r-c"], "in row order; a missing row is left out")
            #expect(seen[0].isFinished && seen[0].exitCode == 3 && seen[0].api == api)
            #expect(seen[0].counts == ["changed": 4, "failed": 1] && seen[0].endedAt == Date(timeIntervalSince1970: 1_060))
            #expect(seen[1].exitCode == 0 && seen[1].api == nil)
            #expect(try await journal.runTallies(rowIDs: []) == [])
            try await journal.probe()
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func aRunsChangesAreListedFailuresFirstAndCounted(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let run = Self.run("r-1", at: 1_000)
            try await journal.begin(run)
            let states: [ChangeEntry.State] = [.changed, .failed, .intent, .unchanged, .refused, .accepted, .changed]
            for (index, state) in states.enumerated() {
                var change = JournalTests.change(run, key: "k\(index)", state: state)
                change.async = index.isMultiple(of: 2)
                change.httpStatus = index < 3 ? 200 : nil
                _ = try await journal.insert(change)
            }
            let (firsts, total) = try await journal.changesFailuresFirst(ofRun: run.id, limit: 4)
            #expect(total == 7)
            #expect(firsts.map(\.key) == ["k1", "k4", "k2", "k5"], "failed and refused, then open, each in order written")
            #expect(try await journal.changesFailuresFirst(ofRun: run.id, limit: 10).changes.map(\.key) == [
                "k1", "k4", "k2", "k5", "k0", "k3", "k6",
            ])
            #expect(try await journal.changesFailuresFirst(ofRun: "none", limit: 10).total == 0)
            #expect(try await journal.changeCounts(ofRun: run.id) == [
                "changed": 2, "failed": 1, "intent": 1, "unchanged": 1, "refused": 1, "accepted": 1,
            ])
            #expect(try await journal.changeCounts(ofRun: "none") == [:])
            #expect(try await journal.count(ofRun: run.id, state: .changed) == 2)
            #expect(try await journal.count(ofRun: run.id, state: .changed, async: true, answered: nil) == 2)
            #expect(try await journal.count(ofRun: run.id, state: .changed, async: nil, answered: true) == 1)
            #expect(try await journal.count(ofRun: run.id, state: .changed, async: true, answered: false) == 1)
            #expect(try await journal.count(ofRun: run.id, state: .failed, async: true, answered: nil) == 0)
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func aFailedRunIsFinishedByTheFirstResumeThatSucceeds(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let first = Self.run("r-1", at: 1_000)
            let failedResume = Self.run("r-2", resuming: first, at: 2_000)
            let finisher = Self.run("r-3", resuming: failedResume, at: 3_000)
            let alone = Self.run("r-4", at: 4_000)
            for (run, code) in [(first, Int32(3)), (failedResume, 4), (finisher, 0), (alone, 3)] {
                try await journal.begin(run)
                try await journal.finish(runID: run.id, exitCode: code, stopReason: nil, counts: [:], api: nil, at: run.startedAt)
            }
            let runs = try await journal.runs(limit: 10)
            #expect(try await journal.finishers(of: runs) == ["r-1": "r-3", "r-2": "r-3"])
            #expect(try await journal.finishers(of: runs.filter { $0.exitCode == 0 }) == [:])
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func backgroundWritesLandInOrderAndFailuresAreCounted(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let run = Self.run("r-1", at: 1_000)
            try await journal.begin(run)
            let intent = try await journal.insert(JournalTests.change(run, key: "a"))
            var answered = intent
            answered.state = .accepted
            answered.httpStatus = 202
            journal.updateInBackground(answered)
            answered.state = .changed
            journal.updateInBackground(answered)
            journal.insertInBackground(JournalTests.change(run, key: "b", state: .unchanged))
            #expect(journal.failedBackgroundWrites == 0)
            // A change of a run the journal does not have breaks its foreign key.
            journal.insertInBackground(JournalTests.change(Self.run("missing", at: 0), key: "c", state: .unchanged))
            try await journal.sync()
            let changes = try await journal.changes(ofRun: run.id)
            #expect(changes.map(\.key) == ["a", "b"])
            #expect(changes.map(\.state) == [.changed, .unchanged], "the later update wins")
            #expect(journal.failedBackgroundWrites == 1)
            #expect(try await journal.changes(ofRun: "missing").isEmpty)
        }
    }
}
