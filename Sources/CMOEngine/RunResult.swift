import LuaKit

/// How a run ended, with the exit code `cmo run` uses.
public struct RunResult: Sendable {
    /// The exit codes of `cmo run` (and of the other commands).
    public enum ExitCode: Int32, Sendable {
        /// The script finished and everything it started succeeded.
        case success = 0
        /// The script raised an uncaught error, or did not compile.
        case scriptError = 1
        /// Wrong usage or configuration.
        case usage = 2
        /// The script finished but some operations it started failed.
        case operationsFailed = 3
        /// Stopped early: timeout, signal, budget or guard.
        case stopped = 4
    }

    /// The scheduler's account of the run.
    public var outcome: LuaRunOutcome
    /// What `cmo run` exits with.
    public var exitCode: ExitCode
    /// The text for standard error when the run did not succeed: message and traceback.
    public var errorReport: String?

    public init(outcome: LuaRunOutcome, exitCode: ExitCode, errorReport: String?) {
        self.outcome = outcome
        self.exitCode = exitCode
        self.errorReport = errorReport
    }
}
