import ArgumentParser
import CMOEngine
import CMOJournal
import Foundation
import Logging

extension JournalCommand {
    /// `cmo journal copy --from FILE --to postgres://... [--merge]`.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every run, change and schedule job of a SQLite journal into a PostgreSQL journal.",
            discussion: """
                Ids, times and states are kept, so 'cmo runs' and 'cmo run --resume' read the copy as they read the \
                file. Runs go in the order they began, a batch of runs with their changes per transaction: a copy \
                cut short leaves whole runs behind, and the same command with --merge finishes it. The target must \
                have no runs (exit 2 otherwise) unless --merge, which leaves out the runs it has (by id) and gives \
                the changes it copies new ids. Schedule job records the target has are kept as they are. Stop \
                cmo processes writing to the file first; the file is only read (and migrated to this cmo's schema).
                """)

        @Option(help: ArgumentHelp("The SQLite journal to copy.", valueName: "FILE"))
        var from: String

        @Option(
            help: ArgumentHelp(
                "The PostgreSQL journal to copy into (the password from the URL, PGPASSWORD or ~/.pgpass).",
                valueName: "postgres://USER@HOST[:PORT]/DB"))
        var to: String

        @Flag(help: "Copy into a journal that has runs: leave out the runs it has, copy the others.")
        var merge = false

        func validate() throws {
            guard PostgresLocation.isURL(to) else {
                throw ValidationError("--to expects a PostgreSQL URL, postgres://USER@HOST[:PORT]/DB")
            }
        }

        func run() async throws {
            let logger = Logger.standardError("cmo.journal", level: .warning)
            guard FileManager.default.fileExists(atPath: from) else {
                throw ErrorReport.usage("no journal at \(from) (--from names a SQLite journal file)")
            }
            let source: SQLiteJournal, target: PostgresJournal
            do {
                let location = try PostgresLocation(url: to)
                // One connection first: a wrong password or database fails now, not after the pool's retries.
                _ = try await PostgresJournal.schemaVersion(at: location, logger: logger)
                source = try SQLiteJournal(path: from)
                target = try await PostgresJournal.open(location, logger: logger, maximumConnections: 2)
            } catch {
                throw ErrorReport.usage(error.message)
            }
            let copier = JournalCopier(from: source, to: target, merge: merge)
            let report: JournalCopier.Report
            do {
                report = try await copier.copy()
            } catch {
                await target.close()
                if case .targetNotEmpty = error { throw ErrorReport.usage(error.description) }
                StandardStreams.err("error: \(error.description)")
                throw ExitCode(CMOExitCode.failure)
            }
            await target.close()
            StandardStreams.out(Self.summary(report, from: from, to: target.location))
        }

        /// `copied 12 runs, 3400 changes and 2 schedule jobs from FILE to URL`, and what was left out.
        static func summary(_ report: JournalCopier.Report, from: String, to: String) -> String {
            var line = "copied \(count(report.runs, "run")), \(count(report.changes, "change")) and "
                + "\(count(report.scheduleJobs, "schedule job")) from \(from) to \(to)"
            var left: [String] = []
            if report.runsSkipped > 0 { left.append("\(count(report.runsSkipped, "run")) it had already") }
            if report.scheduleJobsKept > 0 { left.append("\(count(report.scheduleJobsKept, "schedule job")) it had already") }
            if !left.isEmpty { line += "; left out \(left.joined(separator: " and "))" }
            return line
        }

        static func count(_ value: Int, _ noun: String) -> String {
            "\(value) \(noun)\(value == 1 ? "" : "s")"
        }
    }
}
