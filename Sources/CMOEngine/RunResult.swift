import LuaKit

/// How a run ended, with the exit code `cmo run` uses.
public struct RunResult: Sendable {
    /// The scheduler's account of the run.
    public var outcome: LuaRunOutcome
    /// What `cmo run` exits with.
    public var exitCode: CMOExitCode
    /// The text for standard error when the run did not succeed: message and traceback.
    public var errorReport: String?

    public init(outcome: LuaRunOutcome, exitCode: CMOExitCode, errorReport: String?) {
        self.outcome = outcome
        self.exitCode = exitCode
        self.errorReport = errorReport
    }
}
