import ArgumentParser
import CMOEngine
import CMOJournal
import CMOSchedule
import Foundation

extension RunsCommand {
    /// `cmo runs prune --older-than DURATION [--dry-run]`.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the runs that ended longer ago than --older-than, with their changes.",
            discussion: """
                A run goes with the runs that resumed it or that it resumed (a resume reads them all), and only when \
                every one of them has ended before the cut and none has a change whose outcome is open (unresolved \
                or accepted): such a run may still be finished with 'cmo run --resume'. A run with no end (running, \
                or its process died) is kept too. Everything goes in one transaction. A schedule file's \
                'retention' key makes 'cmo schedule' do the same at start and daily.
                """)

        @Option(
            help: ArgumentHelp(
                "Delete runs that ended longer ago than this: e.g. 30d, 12h, 1d12h, or seconds.", valueName: "DURATION"))
        var olderThan: String

        @Flag(help: "Count what would be deleted; delete nothing.")
        var dryRun = false

        @OptionGroup(title: "Journal")
        var journal: JournalOptions

        func validate() throws {
            guard let age = Duration(scheduleText: olderThan), age > .zero else {
                throw ValidationError("--older-than expects a duration such as 30d, 12h or 90m, got '\(olderThan)'")
            }
        }

        func run() async throws {
            let age = Duration(scheduleText: olderThan) ?? .zero
            let cut = Date().addingTimeInterval(-Double(age.components.seconds))
            let opened = try await journal.open()
            let result: JournalPruneResult
            do {
                result = try await opened.prune(endedBefore: cut, dryRun: dryRun)
            } catch {
                StandardStreams.err("error: \(error.message)")
                throw ExitCode(CMOExitCode.failure)
            }
            let verb = dryRun ? "would delete" : "deleted"
            var line = "\(verb) \(Self.count(result.runs, "run")) and \(Self.count(result.changes, "change"))"
                + " that ended before \(cut.formatted(Date.ISO8601FormatStyle()))"
            if result.kept > 0 {
                line += "; kept \(Self.count(result.kept, "older run")) (not ended, open changes, or resumed since)"
            }
            StandardStreams.out(line)
        }

        static func count(_ value: Int, _ noun: String) -> String {
            "\(value) \(noun)\(value == 1 ? "" : "s")"
        }
    }
}
