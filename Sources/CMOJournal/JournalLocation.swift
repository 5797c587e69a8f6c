import Foundation

/// Where the journal lives unless `--journal PATH` says otherwise.
public enum JournalLocation {
    /// `$XDG_STATE_HOME/cmo/journal.sqlite`, else `~/.local/state/cmo/journal.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/cmo/journal.sqlite"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/cmo/journal.sqlite"
    }
}
