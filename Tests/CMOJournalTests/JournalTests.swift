import CMOSchedule
import Foundation
import GRDB
import Testing

@testable import CMOJournal

/// The SQLite journal file: its mode, its schema, where it lives; ids and hashes. The contract both stores keep is
/// tested in `JournalContractTests`.
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

/// The SQLite journal's dates are the text GRDB writes and reads.
@Suite struct ChangeStatementTests {
    @Test func datesAreFormattedAsGRDBDoes() {
        #expect(JournalDate.text(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000")
        #expect(JournalDate.text(Date(timeIntervalSince1970: 1_795_796_126.826)) == "2026-11-27 16:15:26.826")
        #expect(JournalDate.text(Date(timeIntervalSince1970: 59.9996)) == "1970-01-01 00:01:00.000")
    }
}

/// Two processes (here: two connections at once) opening a new journal file together both get a usable one (the
/// open lock on its directory).
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
