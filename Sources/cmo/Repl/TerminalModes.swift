#if canImport(Glibc)
import Glibc
#endif

/// The terminal settings of standard input as `cmo repl` found them, put back when a signal ends the process
/// while the line editor holds the terminal in its own mode.
struct TerminalModes: @unchecked Sendable {
    private let saved: termios

    /// The current settings; nil when standard input is not a terminal.
    static func save() -> TerminalModes? {
        var modes = termios()
        guard tcgetattr(0, &modes) == 0 else { return nil }
        return TerminalModes(saved: modes)
    }

    /// Puts the settings back.
    func restore() {
        var modes = saved
        tcsetattr(0, TCSANOW, &modes)
    }
}
