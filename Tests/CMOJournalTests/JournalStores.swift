import CMOTestSupport
import Foundation
import Logging
import Testing

@testable import CMOJournal

/// The journal's two stores, as the arguments of the contract tests: every such test runs once on each.
enum JournalStoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A fresh, empty journal of one store: a new SQLite file, or a new database of the test cluster
/// (``PostgresTestCluster/shared()``). ``open()`` gives another handle on the same journal (as a second process
/// would have).
struct JournalStore: Sendable {
    let kind: JournalStoreKind
    /// The SQLite file's path, or the database's URL (with its password).
    let location: String

    /// A new, empty journal of `kind`.
    static func fresh(_ kind: JournalStoreKind) throws -> JournalStore {
        switch kind {
        case .sqlite: JournalStore(kind: kind, location: JournalTests.temporaryPath())
        case .postgres: JournalStore(kind: kind, location: try PostgresTestCluster.shared().makeDatabase().absoluteString)
        }
    }

    /// Opens (and migrates) the journal.
    func open() async throws -> any Journal {
        switch kind {
        case .sqlite:
            return try SQLiteJournal(path: location)
        case .postgres:
            return try await PostgresJournal.open(
                PostgresLocation(url: location, environment: [:]), logger: Logger(label: "cmo.journal.test"),
                maximumConnections: 4)
        }
    }

    /// Runs `body` with a fresh journal of `kind`, and closes it afterwards (a PostgreSQL journal's connections).
    static func with<T>(_ kind: JournalStoreKind, _ body: (any Journal) async throws -> T) async throws -> T {
        let store = try fresh(kind)
        return try await store.with(body)
    }

    /// Runs `body` with a new handle on this journal, closed afterwards.
    func with<T>(_ body: (any Journal) async throws -> T) async throws -> T {
        let journal = try await open()
        do {
            let result = try await body(journal)
            await Self.close(journal)
            return result
        } catch {
            await Self.close(journal)
            throw error
        }
    }

    /// Closes a PostgreSQL journal's pool; a SQLite journal closes when released.
    static func close(_ journal: any Journal) async {
        if let journal = journal as? PostgresJournal { await journal.close() }
    }
}
