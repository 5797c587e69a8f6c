import ArgumentParser
import CMOClient
import CMOJournal

/// `cmo runs`: the history of runs in the journal, and one run in detail.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the journaled runs, or show one.",
        subcommands: [List.self, Show.self, Prune.self],
        defaultSubcommand: List.self
    )

    /// `cmo runs [--limit N]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the latest runs: id, script, start, duration, counts, exit code, and the run that resumed it.")

        @Option(help: "How many runs to list, newest first.")
        var limit = 20

        @OptionGroup var history: RunHistoryOptions

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let limit = self.limit
            let runs = try await history.journal.read { journal async throws(JournalError) in
                try await RunHistory(journal.runs(limit: limit), in: journal)
            }
            switch history.output.resolved {
            case .json:
                StandardStreams.out(RunHistoryFormat.json(runs.items.map(RunHistoryFormat.summary)))
            case .table where runs.items.isEmpty:
                StandardStreams.out("no runs in \(history.journal.resolvedPath)")
            case .table:
                StandardStreams.out(RunHistoryFormat.table(runs.items))
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

        @OptionGroup var history: RunHistoryOptions

        func run() async throws {
            let runID = self.runID
            let (item, changes, shards) = try await history.journal.read { journal async throws(JournalError) in
                let run = try await journal.run(runID)
                // A distributed run's shards, with their owners and counts (only the PostgreSQL journal has them).
                let shards = try await (journal as? PostgresJournal)?.shards(runID: run.id) ?? []
                return (try await RunHistory([run], in: journal).items[0], try await journal.changes(ofRun: run.id), shards)
            }
            let listed = all ? changes : changes.filter(RunHistoryFormat.isFailure)
            switch history.output.resolved {
            case .json:
                var document = RunHistoryFormat.summary(item)
                if !shards.isEmpty { document["shards"] = .array(shards.map(RunHistoryFormat.shard)) }
                document["changes"] = .array(listed.map(RunHistoryFormat.change))
                StandardStreams.out(RunHistoryFormat.json(document))
            case .table:
                var text = RunHistoryFormat.text(item, changes: changes, listed: listed, all: all)
                if !shards.isEmpty { text += "\n" + RunHistoryFormat.shards(shards) }
                StandardStreams.out(text)
            }
        }
    }
}
