import CMOSchedule
import CMOTestSupport
import Foundation
import GRDB
import Logging
import Testing

@testable import CMOJournal

/// `JournalCopier`: a SQLite journal copied into a real PostgreSQL database reads back the same (runs, changes with
/// their ids, tallies, schedule records), in batches; a target with runs is refused unless merging.
@Suite struct JournalCopierTests {
    /// A SQLite journal with: a finished run with API counts and three changes (all fields set on one), its resume
    /// still running with one change, a dry run, and two schedule job records.
    static func source() async throws -> SQLiteJournal {
        let journal = try SQLiteJournal(path: JournalTests.temporaryPath())
        let first = RunEntry(
            id: "20261127-080000-0001", scriptPath: "/w.lua", scriptHash: "h1", vars: ["who": "ops"],
            inputs: ["ids": RunEntry.InputFile(path: "/ids.txt", hash: "ab")], job: "nightly",
            startedAt: Date(timeIntervalSince1970: 1_795_780_800.123), pid: 41)
        let resume = RunEntry(
            id: "20261127-090000-0002", rootID: first.id, resumedFrom: first.id, scriptPath: "/w.lua", scriptHash: "h1",
            startedAt: Date(timeIntervalSince1970: 1_795_784_400.5), pid: 42)
        let dry = RunEntry(
            id: "20261127-100000-0003", scriptPath: "/d.lua", scriptHash: "h2", dryRun: true,
            startedAt: Date(timeIntervalSince1970: 1_795_788_000), pid: 43)
        for run in [first, resume, dry] { try await journal.begin(run) }
        var full = ChangeEntry(
            runID: first.id, rootID: first.id, key: "P-1 [ops]", productID: "P-1", iccid: "8949001", ops: "[ops]",
            fromStatus: "INACTIVE", toStatus: "ACTIVE", async: true, state: .intent,
            intentAt: Date(timeIntervalSince1970: 1_795_780_801.25))
        full = try await journal.insert(full)
        full.state = .failed
        full.sentAt = Date(timeIntervalSince1970: 1_795_780_801.5)
        full.httpStatus = 202
        full.monitorID = "m-1"
        full.error = "monitor_failed: InError"
        full.correlationID = "c-1"
        full.endedAt = Date(timeIntervalSince1970: 1_795_780_802)
        try await journal.update(full)
        _ = try await journal.insert(JournalTests.change(first, key: "P-2", state: .changed))
        _ = try await journal.insert(JournalTests.change(first, key: "P-3", state: .unchanged))
        _ = try await journal.insert(JournalTests.change(resume, key: "P-1 [ops]", state: .accepted))
        _ = try await journal.insert(JournalTests.change(dry, key: "P-9", state: .wouldChange))
        try await journal.finish(
            runID: first.id, exitCode: 3, stopReason: "1 change failed", counts: ["failed": 1, "changed": 1, "unchanged": 1],
            api: RunAPICounts(requests: 9, retries: 1, rateLimited: 1, tokenFetches: 1),
            at: Date(timeIntervalSince1970: 1_795_780_900))
        try await journal.finish(runID: dry.id, exitCode: 0, stopReason: nil, counts: ["would_change": 1], api: nil, at: Date(timeIntervalSince1970: 1_795_788_001))
        try await journal.saveScheduleJob(
            JobRecord(
                name: "nightly", scheduledThrough: Date(timeIntervalSince1970: 1_795_800_000),
                lastFireTime: Date(timeIntervalSince1970: 1_795_780_800), lastRunID: first.id, lastExitCode: 3,
                lastSucceeded: false, lastFinishedAt: Date(timeIntervalSince1970: 1_795_780_900), consecutiveFailures: 1,
                paused: false),
            schedule: "/etc/cmo/a.toml")
        try await journal.saveScheduleJob(JobRecord(name: "weekly", paused: true), schedule: "/etc/cmo/a.toml")
        return journal
    }

    /// Every run's changes, by run id.
    static func changes(_ journal: any Journal) async throws -> [String: [ChangeEntry]] {
        var all: [String: [ChangeEntry]] = [:]
        for run in try await journal.runs(limit: 100) { all[run.id] = try await journal.changes(ofRun: run.id) }
        return all
    }

    /// The tallies without their sequence numbers (SQLite's rowids and PostgreSQL's seq differ; their order counts).
    static func tallies(_ journal: any Journal) async throws -> [RunTally] {
        try await journal.runTallies(after: 0, limit: 100).map { tally in
            var tally = tally
            tally.rowID = 0
            return tally
        }
    }

    @Test func aCopyReadsBackAsTheFile() async throws {
        let source = try await Self.source()
        try await JournalStore.with(.postgres) { opened in
            let target = try #require(opened as? PostgresJournal)
            let report = try await JournalCopier(from: source, to: target).copy()
            var expected = JournalCopier.Report()
            (expected.runs, expected.changes, expected.scheduleJobs, expected.batches) = (3, 5, 2, 1)
            #expect(report == expected)
            #expect(try await target.runs(limit: 100) == source.runs(limit: 100))
            #expect(try await Self.changes(target) == Self.changes(source), "ids, times and states kept")
            #expect(try await Self.tallies(target) == Self.tallies(source), "the same order, ends and API counts")
            for name in ["nightly", "weekly", "none"] {
                #expect(
                    try await target.scheduleJob(schedule: "/etc/cmo/a.toml", name: name)
                        == source.scheduleJob(schedule: "/etc/cmo/a.toml", name: name))
            }
            let resumed = try await target.latestChanges(rootID: "20261127-080000-0001")
            #expect(resumed.mapValues(\.state) == ["P-1 [ops]": .accepted, "P-2": .changed, "P-3": .unchanged])
            // A change written after the copy takes an id after the copied ones.
            let later = try await target.insert(JournalTests.change(try await target.run("20261127-09"), key: "P-4"))
            #expect(later.id == 6)
        }
    }

    @Test func smallBatchesCopyTheSameAndALargeRunGoesAlone() async throws {
        let source = try await Self.source()
        let copier = { (target: PostgresJournal) in
            JournalCopier(from: source, to: target, batchSize: JournalCopier.BatchSize(runs: 2, changes: 2))
        }
        try await JournalStore.with(.postgres) { opened in
            let target = try #require(opened as? PostgresJournal)
            let page = try source.exportRuns(after: 0, limit: 10)
            #expect(copier(target).batches(of: page).map { $0.map(\.run.id) } == [
                ["20261127-080000-0001"], ["20261127-090000-0002", "20261127-100000-0003"],
            ])
            var seen: [Int] = []
            let report = try await copier(target).copy { seen.append($0.runs) }
            #expect(seen == [1, 2, 3], "one report per batch (pages of 2 runs: [1], [2] then [3])")
            #expect(report.runs == 3 && report.changes == 5 && report.batches == seen.count)
            #expect(try await Self.changes(target) == Self.changes(source))
        }
    }

    @Test func aTargetWithRunsIsRefusedUnlessMergingWhichLeavesThemOut() async throws {
        let source = try await Self.source()
        try await JournalStore.with(.postgres) { opened in
            let target = try #require(opened as? PostgresJournal)
            let own = RunEntry(id: "20261127-090000-0002", scriptPath: "/mine.lua", scriptHash: "x")
            try await target.begin(own)
            _ = try await target.insert(JournalTests.change(own, key: "mine"))
            try await target.saveScheduleJob(JobRecord(name: "weekly", paused: false), schedule: "/etc/cmo/a.toml")

            let refused = await #expect(throws: JournalCopier.Failure.self) { try await JournalCopier(from: source, to: target).copy() }
            #expect(refused?.description == """
                the journal at \(target.location) has 1 run already: copy into an empty journal, or give --merge to \
                copy only the runs it does not have
                """)
            #expect(try await target.runs(limit: 10).map(\.id) == [own.id], "nothing copied")

            let report = try await JournalCopier(from: source, to: target, merge: true).copy()
            #expect(report.runs == 2 && report.changes == 4 && report.runsSkipped == 1)
            #expect(report.scheduleJobs == 1 && report.scheduleJobsKept == 1)
            #expect(try await target.run(own.id).scriptPath == "/mine.lua", "the target's run is kept")
            #expect(try await target.changes(ofRun: own.id).map(\.key) == ["mine"])
            let copied = try await target.changes(ofRun: "20261127-080000-0001")
            #expect(copied.map(\.key) == ["P-1 [ops]", "P-2", "P-3"])
            #expect(copied.map(\.id) == copied.map(\.id).sorted { ($0 ?? 0) < ($1 ?? 0) } && copied.first?.id != 1)
            #expect(try await target.scheduleJob(schedule: "/etc/cmo/a.toml", name: "weekly")?.paused == false)
            // Merging again copies nothing.
            let again = try await JournalCopier(from: source, to: target, merge: true).copy()
            #expect(again.runs == 0 && again.changes == 0 && again.runsSkipped == 3 && again.scheduleJobsKept == 2)
        }
    }

    @Test func theSQLiteSchemaVersionIsReadWithoutMigrating() async throws {
        let path = JournalTests.temporaryPath()
        #expect(try SQLiteJournal.schemaVersion(atPath: path) == 0)
        #expect(!FileManager.default.fileExists(atPath: path), "reading the version creates nothing")
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try JournalSchema.migrator.migrate(queue, upTo: "v1: runs, changes, schedule jobs")
        #expect(try SQLiteJournal.schemaVersion(atPath: path) == 1)
        #expect(try SQLiteJournal.schemaVersion(atPath: path) == 1, "still: reading did not migrate")
        let journal = try SQLiteJournal(path: path)
        #expect(try journal.schemaVersion() == SQLiteJournal.latestSchemaVersion)
        #expect(SQLiteJournal.latestSchemaVersion == JournalSchema.migrator.migrations.count)
    }

    @Test func thePostgreSQLSchemaVersionIsReadWithoutMigrating() async throws {
        let url = try PostgresTestCluster.shared().makeDatabase().absoluteString
        let location = try PostgresLocation(url: url, environment: [:])
        #expect(try await PostgresJournal.schemaVersion(at: location, logger: .init(label: "test")) == 0)
        #expect(try await PostgresJournal.schemaVersion(at: location, logger: .init(label: "test")) == 0)
        try await JournalStore(kind: .postgres, location: url).with { _ in }
        #expect(try await PostgresJournal.schemaVersion(at: location, logger: .init(label: "test")) == PostgresJournal.latestSchemaVersion)
    }
}
