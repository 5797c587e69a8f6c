import CMOSchedule
import Foundation
import Testing

@testable import CMOJournal

/// The journal contract, on both stores: durable writes visible to another handle when they return, concurrent
/// writes, a failing write alone, the lookups a resumed run needs, monitors settled in background, runs by id or
/// prefix, schedule records.
@Suite struct JournalContractTests {
    static func run(_ id: String, root: RunEntry? = nil, startedAt: Date = Date()) -> RunEntry {
        RunEntry(
            id: id, rootID: root?.rootID, resumedFrom: root?.id, scriptPath: "/w.lua", scriptHash: "abc",
            startedAt: startedAt)
    }

    @Test(arguments: JournalStoreKind.allCases)
    func aWriteIsVisibleToAnotherHandleWhenItReturns(_ kind: JournalStoreKind) async throws {
        let store = try JournalStore.fresh(kind)
        try await store.with { writer in
            try await store.with { reader in
                let run = RunEntry(id: "20261127-120000-0001", scriptPath: "/w.lua", scriptHash: "abc", vars: ["a": "1"])
                try await writer.begin(run)
                let intent = try await writer.insert(JournalTests.change(run, key: "k1"))
                #expect(intent.id != nil)
                #expect(try await reader.changes(ofRun: run.id).map(\.state) == [.intent])
                var answered = intent
                answered.state = .changed
                answered.httpStatus = 200
                try await writer.update(answered)
                #expect(try await reader.changes(ofRun: run.id).map(\.state) == [.changed])
                #expect(try await reader.run(run.id).vars == ["a": "1"])
            }
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func concurrentWritesAllLand(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let run = Self.run("20261127-120000-0002")
            try await journal.begin(run)
            let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for index in 0..<300 {
                    group.addTask { try await journal.insert(JournalTests.change(run, key: "k\(index)")).id }
                }
                return try await group.reduce(into: [Int64?]()) { $0.append($1) }
            }
            #expect(Set(ids.compactMap { $0 }).count == 300)
            let read = try await journal.changes(ofRun: run.id)
            #expect(read.count == 300)
            #expect(read.map(\.id) == read.map(\.id).sorted { ($0 ?? 0) < ($1 ?? 0) }, "in the order journaled")
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func oneFailingWriteFailsAlone(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let run = Self.run("20261127-120000-0003")
            try await journal.begin(run)
            // A change of a run the journal does not have breaks its foreign key.
            async let orphan: JournalError? = { () async -> JournalError? in
                do {
                    _ = try await journal.insert(JournalTests.change(Self.run("missing"), key: "k"))
                    return nil
                } catch {
                    return error as? JournalError
                }
            }()
            async let fine = journal.insert(JournalTests.change(run, key: "k"))
            let (refused, inserted) = try await (orphan, fine)
            #expect(refused?.code == .storage)
            #expect(inserted.id != nil)
            #expect(try await journal.changes(ofRun: run.id).count == 1)
        }
    }

    /// Two processes drawing the same run id (same second, same 16 random bits) must not share a row.
    @Test(arguments: JournalStoreKind.allCases)
    func aRunIdIsBegunOnlyOnce(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let run = Self.run("20261127-120000-0009")
            try await journal.begin(run)
            // Another process that drew the same id (PostgreSQL tells it from this one's own insert sent again
            // after a lost COMMIT by its pid and script).
            var other = run
            other.pid = run.pid + 1
            let error = await #expect(throws: JournalError.self) { try await journal.begin(other) }
            #expect(error?.code == .storage)
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func aResumedChainSeesTheLatestEntryOfEveryKey(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let first = Self.run("20261127-120000-0004")
            let second = Self.run("20261127-120100-0005", root: first)
            let other = Self.run("20261127-120200-0006")
            for run in [first, second, other] { try await journal.begin(run) }
            _ = try await journal.insert(JournalTests.change(first, key: "a", state: .intent))
            _ = try await journal.insert(JournalTests.change(first, key: "b", state: .accepted))
            _ = try await journal.insert(JournalTests.change(second, key: "a", state: .changed))
            _ = try await journal.insert(JournalTests.change(other, key: "c", state: .changed))
            let latest = try await journal.latestChanges(rootID: first.id)
            #expect(latest.mapValues(\.state) == ["a": .changed, "b": .accepted])
            #expect(latest["a"]?.runID == second.id)
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func settlingAMonitorEndsItsAcceptedChangesOfTheChain(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let run = Self.run("20261127-120000-0007")
            let other = Self.run("20261127-120000-0008")
            for entry in [run, other] { try await journal.begin(entry) }
            var accepted = JournalTests.change(run, key: "a", state: .accepted)
            accepted.monitorID = "m-1"
            var done = JournalTests.change(run, key: "b", state: .changed)
            done.monitorID = "m-1"
            var elsewhere = JournalTests.change(other, key: "a", state: .accepted)
            elsewhere.monitorID = "m-1"
            for change in [accepted, done, elsewhere] { _ = try await journal.insert(change) }
            let at = Date(timeIntervalSince1970: 1_795_796_127)
            journal.settle(monitorID: "m-1", rootID: run.rootID, state: .failed, error: "monitor_failed: InError", at: at)
            try await journal.sync()
            let settled = try await journal.changes(ofRun: run.id)
            #expect(settled.map(\.state) == [.failed, .changed], "only the accepted change ends")
            #expect(settled[0].error == "monitor_failed: InError")
            #expect(settled[0].endedAt == at)
            #expect(try await journal.changes(ofRun: other.id).map(\.state) == [.accepted], "another chain's stays")
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func runsAreFoundByIdOrUniquePrefixAndListedNewestFirst(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let older = Self.run("20261126-080000-aaaa", startedAt: Date(timeIntervalSince1970: 1_000))
            let newer = Self.run("20261127-080000-bbbb", startedAt: Date(timeIntervalSince1970: 2_000))
            let sibling = Self.run("20261127-080000-bbbc", startedAt: Date(timeIntervalSince1970: 1_500))
            for run in [older, newer, sibling] { try await journal.begin(run) }
            #expect(try await journal.run("20261126").id == older.id)
            #expect(try await journal.run(newer.id).id == newer.id)
            await #expect(throws: JournalError(.ambiguousRun, "'20261127' names more than one run: give more of the id")) {
                try await journal.run("20261127")
            }
            let unknown = await #expect(throws: JournalError.self) { try await journal.run("2025") }
            #expect(unknown?.code == .unknownRun)
            #expect(unknown?.message.hasPrefix("no run '2025' in the journal at ") == true)
            // LIKE's wildcards are letters here, not patterns.
            await #expect(throws: JournalError.self) { try await journal.run("2026112_") }
            await #expect(throws: JournalError.self) { try await journal.run("%") }
            #expect(try await journal.runs(limit: 2).map(\.id) == [newer.id, sibling.id])
            let end = Date(timeIntervalSince1970: 1_100)
            try await journal.finish(
                runID: older.id, exitCode: 3, stopReason: "boom", counts: ["failed": 1],
                api: RunAPICounts(requests: 5, retries: 1, rateLimited: 0, tokenFetches: 1), at: end)
            let finished = try await journal.run(older.id)
            #expect(finished.exitCode == 3 && finished.stopReason == "boom" && finished.counts == ["failed": 1])
            #expect(finished.endedAt == end && finished.seconds == 100)
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func aRunReadsBackAsItWasBegun(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let root = Self.run("20261127-090000-0001")
            let run = RunEntry(
                id: "20261127-090100-0002", rootID: root.id, resumedFrom: root.id, scriptPath: "/srv/w.lua",
                scriptHash: String(repeating: "f", count: 64), vars: ["who": "ops", "n": "3"],
                inputs: ["sims": RunEntry.InputFile(path: "/srv/sims.csv", hash: "abc"), "x": RunEntry.InputFile(path: "/x", hash: nil)],
                dryRun: true, job: "nightly", startedAt: Date(timeIntervalSince1970: 1_795_796_126.5), pid: 4242)
            try await journal.begin(root)
            try await journal.begin(run)
            #expect(try await journal.run(run.id) == run)
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func aChangeReadsBackWithEveryField(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let run = Self.run("20261127-130000-0001")
            try await journal.begin(run)
            var change = ChangeEntry(
                runID: run.id, rootID: run.rootID, key: "P-1 [ops]", productID: "P-1", iccid: "8949", ops: "[ops]",
                fromStatus: "INACTIVE", toStatus: "ACTIVE", async: true, state: .intent,
                intentAt: Date(timeIntervalSince1970: 1_795_796_126.826))
            change = try await journal.insert(change)
            change.state = .accepted
            change.sentAt = Date(timeIntervalSince1970: 1_795_796_126.999)
            change.httpStatus = 202
            change.monitorID = "m-1"
            change.correlationID = "c-1"
            change.error = "a note"
            change.endedAt = Date(timeIntervalSince1970: 1_795_796_127)
            try await journal.update(change)
            let read = try #require(try await journal.changes(ofRun: run.id).first)
            // Times to the millisecond: SQLite keeps milliseconds; PostgreSQL microseconds.
            #expect(Self.withoutTimes(read) == Self.withoutTimes(change))
            for (got, wanted) in [(read.intentAt, change.intentAt), (read.sentAt, change.sentAt), (read.endedAt, change.endedAt)] {
                #expect(abs((got ?? .distantPast).timeIntervalSince(wanted ?? .distantFuture)) < 0.0005)
            }
        }
    }

    static func withoutTimes(_ change: ChangeEntry) -> ChangeEntry {
        var change = change
        change.intentAt = .distantPast
        change.sentAt = nil
        change.endedAt = nil
        return change
    }

    @Test(arguments: JournalStoreKind.allCases)
    func scheduleJobsAreKeptPerFileAndName(_ kind: JournalStoreKind) async throws {
        try await JournalStore.with(kind) { journal in
            let record = JobRecord(
                name: "nightly", scheduledThrough: Date(timeIntervalSince1970: 1_700_000_000),
                lastFireTime: Date(timeIntervalSince1970: 1_699_999_000), lastRunID: "r1", lastExitCode: 3,
                lastSucceeded: false, lastFinishedAt: Date(timeIntervalSince1970: 1_699_999_060), consecutiveFailures: 2,
                paused: true)
            try await journal.saveScheduleJob(record, schedule: "/a.toml")
            try await journal.saveScheduleJob(JobRecord(name: "nightly"), schedule: "/b.toml")
            #expect(try await journal.scheduleJob(schedule: "/a.toml", name: "nightly") == record)
            #expect(try await journal.scheduleJob(schedule: "/b.toml", name: "nightly") == JobRecord(name: "nightly"))
            var updated = record
            updated.paused = false
            updated.consecutiveFailures = 0
            try await journal.saveScheduleJob(updated, schedule: "/a.toml")
            #expect(try await journal.scheduleJob(schedule: "/a.toml", name: "nightly") == updated)
            #expect(try await journal.scheduleJob(schedule: "/a.toml", name: "other") == nil)
        }
    }

    @Test(arguments: JournalStoreKind.allCases)
    func concurrentFirstOpensOfOneJournalAllSucceed(_ kind: JournalStoreKind) async throws {
        for _ in 0..<3 {
            let store = try JournalStore.fresh(kind)
            let opened = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do {
                            _ = try await store.with { try await $0.runs(limit: 1) }
                            return true
                        } catch {
                            Issue.record("\(error)")
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(opened == [true, true, true, true])
        }
    }
}
