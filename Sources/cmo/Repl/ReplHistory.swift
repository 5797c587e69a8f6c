import CMOJournal
import Foundation

/// The REPL's history file: `repl_history` beside the default journal (`$XDG_STATE_HOME/cmo/`, else
/// `~/.local/state/cmo/`), private (0600 in a 0700 directory) like the journal, since lines hold ICCIDs.
enum ReplHistory {
    /// The file's path, created if missing; nil (after a warning on standard error) when it cannot be.
    static func prepare(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let journal = JournalLocation.defaultPath(environment: environment)
        let directory = String(journal[..<(journal.lastIndex(of: "/") ?? journal.startIndex)])
        let path = directory + "/repl_history"
        do {
            try PrivateFiles.createDirectory(directory)
            try PrivateFiles.createFile(path)
            return path
        } catch {
            FileOutput.standardError.write("cmo repl: warning: no history file: \(error)\n")
            return nil
        }
    }
}
