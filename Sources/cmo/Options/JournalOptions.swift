import ArgumentParser
import CMOClient
import CMOJournal
import Foundation

/// `--journal PATH|URL`, shared by `cmo run`, `cmo runs`, `cmo schedule` and `cmo journal`.
struct JournalOptions: ParsableArguments {
    @Option(
        name: .customLong("journal"),
        help: ArgumentHelp(
            """
            The journal of runs: a SQLite file (default: $XDG_STATE_HOME/cmo/journal.sqlite, else \
            ~/.local/state/cmo/journal.sqlite), or a PostgreSQL database, postgres://USER@HOST[:PORT]/DB (the password \
            from the URL, PGPASSWORD or ~/.pgpass). Else CMO_JOURNAL, else the profile's journal key.
            """,
            valueName: "PATH|URL"))
    var path: String?

    /// Where the journal is, once `--journal`, `CMO_JOURNAL`, the profile and the default have had their say.
    enum Choice: Equatable {
        /// A SQLite file; `named` when the operator chose it (not the default place).
        case sqlite(String, named: Bool)
        case postgres(PostgresLocation)
    }

    /// The journal chosen (a bad URL or configuration file is a usage error: exit 2).
    func choice(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Choice {
        var given = path ?? environment["CMO_JOURNAL"].flatMap { $0.isEmpty ? nil : $0 }
        if given == nil {
            do {
                given = try Configuration.profileJournal(environment: environment)
            } catch {
                throw ErrorReport.usage(error.description)
            }
        }
        guard let given else { return .sqlite(JournalLocation.defaultPath(environment: environment), named: false) }
        guard PostgresLocation.isURL(given) else { return .sqlite(given, named: true) }
        do {
            return .postgres(try PostgresLocation(url: given, environment: environment))
        } catch {
            throw ErrorReport.usage(error.message)
        }
    }

    /// The journal file (for SQLite) or the URL without its password, for messages.
    var resolvedPath: String {
        switch try? choice() {
        case .sqlite(let path, _)?: path
        case .postgres(let location)?: location.redacted
        case nil: path ?? JournalLocation.defaultPath()
        }
    }

    /// Opens the journal, or prints why it cannot and throws exit code 2; `warn` gets each privacy warning (stderr by
    /// default; the schedule daemon logs them, so that `--log-format json` stays JSON).
    func open(warn: (String) -> Void = { FileOutput.standardError.write("cmo: \($0)\n") }) async throws -> any Journal {
        do {
            switch try choice() {
            case .sqlite(let path, let named):
                let journal = try SQLiteJournal(path: path)
                for warning in journal.privacyWarnings(stateDirectory: !named) { warn(warning) }
                return journal
            case .postgres(let location):
                return try await PostgresJournal.open(location)
            }
        } catch let error as JournalError {
            throw ErrorReport.usage("\(error.message) (choose another with --journal PATH|URL)")
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
