import ArgumentParser
import CMOJournal

/// `--journal PATH`, shared by `cmo run`, `cmo runs` and `cmo schedule`.
struct JournalOptions: ParsableArguments {
    @Option(
        name: .customLong("journal"),
        help: ArgumentHelp(
            "The SQLite journal of runs (default: $XDG_STATE_HOME/cmo/journal.sqlite, else ~/.local/state/cmo/journal.sqlite).",
            valueName: "PATH"))
    var path: String?

    /// The journal file: `--journal`, else the default location.
    var resolvedPath: String { path ?? JournalLocation.defaultPath() }

    /// Opens the journal, or prints why it cannot and throws exit code 2; `warn` gets each privacy warning (stderr by
    /// default; the schedule daemon logs them, so that `--log-format json` stays JSON).
    func open(warn: (String) -> Void = { FileOutput.standardError.write("cmo: \($0)\n") }) async throws -> any Journal {
        do {
            let journal = try SQLiteJournal(path: resolvedPath)
            for warning in journal.privacyWarnings(stateDirectory: path == nil) { warn(warning) }
            return journal
        } catch {
            throw ErrorReport.usage("\(error.message) (choose another with --journal PATH)")
        }
    }

    /// Reads from the journal with `body`; a journal error (no such run, say) is printed and exits 2.
    func read<T>(_ body: (any Journal) async throws(JournalError) -> T) async throws -> T {
        let journal = try await open()
        do {
            return try await body(journal)
        } catch {
            throw ErrorReport.usage(error.message)
        }
    }
}
