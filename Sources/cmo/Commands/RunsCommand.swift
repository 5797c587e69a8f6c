import ArgumentParser
import CMOClient
import CMOJournal
import Foundation

/// `cmo runs`: the history of runs in the journal, and one run in detail.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the journaled runs, or show one.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    /// `cmo runs [--limit N]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the latest runs: id, script, start, duration, counts and exit code.")

        @Option(help: "How many runs to list, newest first.")
        var limit = 20

        @OptionGroup(title: "Journal")
        var journal: JournalOptions

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let runs: [RunEntry]
            do {
                runs = try journal.open().runs(limit: limit)
            } catch let error as JournalError {
                throw ErrorReport.usage(error.message)
            }
            switch output.resolved {
            case .json:
                StandardStreams.out(RunHistoryFormat.json(runs.map(RunHistoryFormat.summary)))
            case .table:
                if runs.isEmpty {
                    StandardStreams.out("no runs in \(journal.resolvedPath)")
                    return
                }
                let rows = runs.map { run in
                    [
                        run.id, RunHistoryFormat.shortPath(run.scriptPath) + (run.dryRun ? " (dry run)" : ""),
                        RunHistoryFormat.time(run.startedAt), RunHistoryFormat.duration(run.seconds),
                        RunHistoryFormat.counts(run.counts), run.exitCode.map(String.init) ?? RunHistoryFormat.unfinished,
                    ]
                }
                StandardStreams.out(
                    TableRenderer.table(header: ["id", "script", "started", "took", "changes", "exit"], rows: rows))
            }
        }
    }

    /// `cmo runs show RUN_ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one run: its summary and the changes that failed (--all: every change).")

        @Argument(help: "The run's id, or enough of its start to name only it.")
        var runID: String

        @Flag(help: "List every change, not only the failed ones.")
        var all = false

        @OptionGroup(title: "Journal")
        var journal: JournalOptions

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let run: RunEntry
            let changes: [ChangeEntry]
            do {
                let opened = try journal.open()
                run = try opened.run(runID)
                changes = try opened.changes(ofRun: run.id)
            } catch let error as JournalError {
                throw ErrorReport.usage(error.message)
            }
            let listed = all ? changes : changes.filter { $0.state == .failed || $0.state == .intent && $0.error != nil }
            switch output.resolved {
            case .json:
                var document = RunHistoryFormat.summary(run)
                document["changes"] = .array(listed.map(RunHistoryFormat.change))
                StandardStreams.out(RunHistoryFormat.json(document))
            case .table:
                StandardStreams.out(RunHistoryFormat.text(run, changes: changes, listed: listed, all: all))
            }
        }
    }
}
