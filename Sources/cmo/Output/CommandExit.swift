import ArgumentParser

/// The exit codes of `cmo` commands (the same as `cmo run`'s).
enum CommandExit {
    /// Everything worked.
    static let success = ExitCode(0)
    /// The command failed.
    static let failure = ExitCode(1)
    /// Wrong usage or configuration.
    static let usage = ExitCode(2)
    /// Some operations failed.
    static let partialFailure = ExitCode(3)
    /// Stopped early.
    static let stoppedEarly = ExitCode(4)
}
