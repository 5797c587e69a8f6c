/// The exit codes of `cmo`: what `cmo run` means by each, shared by the engine (a run's result, a session's end)
/// and every command of the CLI.
public enum CMOExitCode: Int32, Sendable, CustomStringConvertible {
    /// The script finished and everything it started succeeded; the command did what it was asked.
    case success = 0
    /// The script raised an uncaught error or did not compile; for the other commands, the command failed.
    case scriptError = 1
    /// Wrong usage or configuration, found before anything ran.
    case usage = 2
    /// The script finished but some changes it started failed.
    case operationsFailed = 3
    /// Stopped early: timeout, signal, instruction or memory budget, a guard.
    case stopped = 4

    /// Exit 1 as the commands other than `cmo run` mean it: the command failed.
    public static let failure = CMOExitCode.scriptError

    public var description: String {
        switch self {
        case .success: "0 (success)"
        case .scriptError: "1 (failed)"
        case .usage: "2 (usage or configuration error)"
        case .operationsFailed: "3 (some changes failed)"
        case .stopped: "4 (stopped early)"
        }
    }
}
