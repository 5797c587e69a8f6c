import CMOSchedule
import Foundation
import GRDB
import Testing

@testable import CMOJournal

/// The journal file: schema, durability of writes, group commits, and the lookups a resumed run needs.
@Suite struct JournalTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("cmo-journal-\(UUID().uuidString)/state/journal.sqlite").path
    }

    static func change(_ run: RunEntry, key: String, state: ChangeEntry.State = .intent) -> ChangeEntry {
        ChangeEntry(
            runID: run.id, rootID: run.rootID, key: key, productID: "P-\(key)", ops: "[]", toStatus: "ACTIVE",
            state: state)
    }

    @Test func opensInWALModeCreatingItsDirectoryAndMigrates() throws {
        let path = Self.temporaryPath()
        let journal = try SQLiteJournal(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        let (mode, synchronous, tables) = try journal.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            )
        }
        #expect(mode == "wal")
        #expect(synchronous == 2, "synchronous=FULL: an intent survives a power cut")
        #expect(tables.contains("run") && tables.contains("change") && tables.contains("schedule_job"))
        // Opening again (a second process) finds the migrations applied.
        _ = try SQLiteJournal(path: path)
    }

    @Test func anUnusablePathIsATypedError() {
        #expect(throws: JournalError.self) { try SQLiteJournal(path: "/proc/cmo/journal.sqlite") }
    }

    @Test func aWriteIsVisibleToAnotherConnectionWhenItReturns() async throws {
        let path = Self.temporaryPath()
        let writer = try SQLiteJournal(path: path)
        let reader = try SQLiteJournal(path: path)
        let run = RunEntry(id: "20261127-120000-0001", scriptPath: "/w.lua", scriptHash: "abc", vars: ["a": "1"])
        try await writer.begin(run)
        let intent = try await writer.insert(Self.change(run, key: "k1"))
        #expect(intent.id != nil)
        #expect(try reader.changes(ofRun: run.id).map(\.state) == [.intent])
        var answered = intent
        answered.state = .changed
        answered.httpStatus = 200
        try await writer.update(answered)
        #expect(try reader.changes(ofRun: run.id).map(\.state) == [.changed])
        #expect(try reader.run(run.id).vars == ["a": "1"])
    }

    @Test func concurrentWritesShareCommitsAndAllLand() async throws {
        let journal = try SQLiteJournal(path: Self.temporaryPath())
        let run = RunEntry(id: "20261127-120000-0002", scriptPath: "/w.lua", scriptHash: "abc")
        try await journal.begin(run)
        let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for index in 0..<300 {
                group.addTask { try await journal.insert(Self.change(run, key: "k\(index)")).id }
            }
            return try await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        #expect(Set(ids.compactMap { $0 }).count == 300)
        #expect(try journal.changes(ofRun: run.id).count == 300)
    }

    @Test func oneFailingWriteFailsAloneInItsBatch() async throws {
        let journal = try SQLiteJournal(path: Self.temporaryPath())
        let run = RunEntry(id: "20261127-120000-0003", scriptPath: "/w.lua", scriptHash: "abc")
        try await journal.begin(run)
        async let duplicate: Bool = { () async -> Bool in
            do {
                try await journal.begin(run)
                return false
            } catch {
                return (error as? JournalError)?.code == .storage
            }
        }()
        async let fine = journal.insert(Self.change(run, key: "k"))
        let (refused, inserted) = try await (duplicate, fine)
        #expect(refused)
        #expect(inserted.id != nil)
    }

    @Test func aResumedChainSeesTheLatestEntryOfEveryKey() async throws {
        let journal = try SQLiteJournal(path: Self.temporaryPath())
        let first = RunEntry(id: "20261127-120000-0004", scriptPath: "/w.lua", scriptHash: "abc")
        let second = RunEntry(id: "20261127-120100-0005", rootID: first.id, resumedFrom: first.id, scriptPath: "/w.lua", scriptHash: "abc")
        let other = RunEntry(id: "20261127-120200-0006", scriptPath: "/w.lua", scriptHash: "abc")
        for run in [first, second, other] { try await journal.begin(run) }
        _ = try await journal.insert(Self.change(first, key: "a", state: .intent))
        _ = try await journal.insert(Self.change(first, key: "b", state: .accepted))
        _ = try await journal.insert(Self.change(second, key: "a", state: .changed))
        _ = try await journal.insert(Self.change(other, key: "c", state: .changed))
        let latest = try journal.latestChanges(rootID: first.id)
        #expect(latest.mapValues(\.state) == ["a": .changed, "b": .accepted])
    }

    @Test func settlingAMonitorEndsItsAcceptedChanges() async throws {
        let journal = try SQLiteJournal(path: Self.temporaryPath())
        let run = RunEntry(id: "20261127-120000-0007", scriptPath: "/w.lua", scriptHash: "abc")
        try await journal.begin(run)
        var change = Self.change(run, key: "a", state: .accepted)
        change.monitorID = "m-1"
        _ = try await journal.insert(change)
        journal.settle(monitorID: "m-1", rootID: run.rootID, state: .failed, error: "monitor_failed: InError")
        try await journal.sync()
        let settled = try #require(try journal.changes(ofRun: run.id).first)
        #expect(settled.state == .failed)
        #expect(settled.error == "monitor_failed: InError")
        #expect(settled.endedAt != nil)
    }

    @Test func runsAreFoundByIdOrUniquePrefixAndListedNewestFirst() async throws {
        let journal = try SQLiteJournal(path: Self.temporaryPath())
        let older = RunEntry(id: "20261126-080000-aaaa", scriptPath: "/w.lua", scriptHash: "x", startedAt: Date(timeIntervalSince1970: 1_000))
        let newer = RunEntry(id: "20261127-080000-bbbb", scriptPath: "/w.lua", scriptHash: "x", startedAt: Date(timeIntervalSince1970: 2_000))
        let sibling = RunEntry(id: "20261127-080000-bbbc", scriptPath: "/w.lua", scriptHash: "x", startedAt: Date(timeIntervalSince1970: 1_500))
        for run in [older, newer, sibling] { try await journal.begin(run) }
        #expect(try journal.run("20261126").id == older.id)
        #expect(try journal.run(newer.id).id == newer.id)
        #expect(throws: JournalError(.ambiguousRun, "'20261127' names more than one run: give more of the id")) {
            try journal.run("20261127")
        }
        #expect(throws: JournalError.self) { try journal.run("2025") }
        #expect(throws: JournalError.self) { try journal.run("2026112_") }
        #expect(try journal.runs(limit: 2).map(\.id) == [newer.id, sibling.id])
        try await journal.finish(runID: older.id, exitCode: 3, stopReason: "boom", counts: ["failed": 1])
        let finished = try journal.run(older.id)
        #expect(finished.exitCode == 3 && finished.counts == ["failed": 1] && finished.endedAt != nil)
    }

    @Test func scheduleJobsAreKeptPerFileAndName() async throws {
        let journal = try SQLiteJournal(path: Self.temporaryPath())
        let record = JobRecord(
            name: "nightly", scheduledThrough: Date(timeIntervalSince1970: 1_700_000_000), lastRunID: "r1",
            lastExitCode: 3, lastSucceeded: false, consecutiveFailures: 2, paused: true)
        try await journal.saveScheduleJob(record, schedule: "/a.toml")
        try await journal.saveScheduleJob(JobRecord(name: "nightly"), schedule: "/b.toml")
        #expect(try journal.scheduleJob(schedule: "/a.toml", name: "nightly") == record)
        #expect(try journal.scheduleJob(schedule: "/b.toml", name: "nightly") == JobRecord(name: "nightly"))
        var updated = record
        updated.paused = false
        try await journal.saveScheduleJob(updated, schedule: "/a.toml")
        #expect(try journal.scheduleJob(schedule: "/a.toml", name: "nightly")?.paused == false)
        #expect(try journal.scheduleJob(schedule: "/a.toml", name: "other") == nil)
    }

    @Test func theDefaultLocationFollowsXDG() {
        #expect(JournalLocation.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/cmo/journal.sqlite")
        #expect(JournalLocation.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/cmo/journal.sqlite")
        #expect(JournalLocation.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/cmo/journal.sqlite")
    }

    @Test func contentHashesAreSHA256() {
        #expect(ContentHash.of(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash.ofFile("/nonexistent") == nil)
    }

    @Test func runIDsAreSortableAndReadable() {
        let id = RunEntry.makeID(at: Date(timeIntervalSince1970: 1_795_796_126))
        #expect(id.hasPrefix("20261127-"))
        #expect(id.count == "20261127-161526-203f".count)
    }
}

/// The hand-written write path reads back exactly as GRDB's own decoding expects.
@Suite struct ChangeStatementTests {
    @Test func fastWritesRoundTripThroughTheRecordDecoder() async throws {
        let journal = try SQLiteJournal(path: JournalTests.temporaryPath())
        let run = RunEntry(id: "20261127-130000-0001", scriptPath: "/w.lua", scriptHash: "abc")
        try await journal.begin(run)
        var change = ChangeEntry(
            runID: run.id, rootID: run.rootID, key: "P-1 [ops]", productID: "P-1", iccid: "8949", ops: "[ops]",
            fromStatus: "INACTIVE", toStatus: "ACTIVE", async: true, state: .intent,
            intentAt: Date(timeIntervalSince1970: 1_795_796_126.8266))
        change = try await journal.insert(change)
        change.state = .accepted
        change.sentAt = Date(timeIntervalSince1970: 1_795_796_126.9996)
        change.httpStatus = 202
        change.monitorID = "m-1"
        change.correlationID = "c-1"
        change.error = nil
        change.endedAt = Date(timeIntervalSince1970: 1_795_796_127)
        try await journal.update(change)
        let read = try #require(try journal.changes(ofRun: run.id).first)
        #expect(read.id == change.id)
        #expect(read.state == .accepted && read.async && read.httpStatus == 202 && read.monitorID == "m-1")
        #expect(read.iccid == "8949" && read.fromStatus == "INACTIVE" && read.toStatus == "ACTIVE")
        // Milliseconds, as GRDB keeps them (sub-millisecond float noise aside).
        #expect(abs(read.intentAt.timeIntervalSince1970 - 1_795_796_126.827) < 0.0001)
        #expect(abs((read.sentAt?.timeIntervalSince1970 ?? 0) - 1_795_796_127.0) < 0.0001)
        #expect(abs((read.endedAt?.timeIntervalSince1970 ?? 0) - 1_795_796_127.0) < 0.0001)
    }

    @Test func datesAreFormattedAsGRDBDoes() {
        #expect(JournalDate.text(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000")
        #expect(JournalDate.text(Date(timeIntervalSince1970: 1_795_796_126.826)) == "2026-11-27 16:15:26.826")
        #expect(JournalDate.text(Date(timeIntervalSince1970: 59.9996)) == "1970-01-01 00:01:00.000")
    }
}

/// Two processes (here: two connections at once) opening a new journal together both get a usable one.
@Suite struct JournalOpeningTests {
    @Test func concurrentFirstOpensOfOneFileBothSucceed() async throws {
        for _ in 0..<40 {
            let path = JournalTests.temporaryPath()
            let opened = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask { (try? SQLiteJournal(path: path)) != nil }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(opened == [true, true, true, true])
        }
    }
}
