import ArgumentParser
import CMOJournal
import Logging

/// `cmo journal`: the journal's schema (`migrate`) and moving a SQLite journal into PostgreSQL (`copy`).
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Migrate the journal's schema, or copy a SQLite journal into a PostgreSQL one.",
        subcommands: [Migrate.self, Copy.self]
    )

    /// `cmo journal migrate [--journal PATH|URL]`.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the schema migrations the journal lacks, and print its version before and after.",
            discussion: """
                Every cmo command that opens a journal migrates it first; this does only that, for an upgrade done \
                ahead of time (PostgreSQL: once, with rights to create tables, before the replicas start). \
                Migrations run in one transaction per store, and processes migrating at once take turns.
                """)

        @OptionGroup(title: "Journal")
        var journal: JournalOptions

        func run() async throws {
            let logger = Logger.standardError("cmo.journal", level: .warning)
            let store: String
            let before: Int, after: Int, latest: Int
            do {
                switch try journal.choice() {
                case .sqlite(let path, _):
                    store = "SQLite journal \(path)"
                    before = try SQLiteJournal.schemaVersion(atPath: path)
                    after = try SQLiteJournal(path: path).schemaVersion()
                    latest = SQLiteJournal.latestSchemaVersion
                case .postgres(let location):
                    store = "PostgreSQL journal \(location)"
                    before = try await PostgresJournal.schemaVersion(at: location, logger: logger)
                    let opened = try await PostgresJournal.open(location, logger: logger, maximumConnections: 2)
                    after = try await opened.schemaVersion()
                    await opened.close()
                    latest = PostgresJournal.latestSchemaVersion
                }
            } catch let error as JournalError {
                throw ErrorReport.usage(error.message)
            }
            StandardStreams.out(Self.line(store: store, before: before, after: after, latest: latest))
        }

        /// `SQLite journal PATH: schema version 1 -> 2 (the latest)`.
        static func line(store: String, before: Int, after: Int, latest: Int) -> String {
            let latestNote = after == latest ? "the latest" : "this cmo knows \(latest)"
            if before == after { return "\(store): schema version \(after), nothing to apply (\(latestNote))" }
            return "\(store): schema version \(before) -> \(after) (\(latestNote))"
        }
    }
}
