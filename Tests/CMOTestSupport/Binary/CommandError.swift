import Foundation

/// Why a test could not run the `cmo` binary or read what it did. Each description says what to do about it.
package enum CommandError: Error, Sendable, CustomStringConvertible {
    /// No `cmo` executable in any of the places looked at.
    case binaryNotFound(searched: [String])
    /// The process could not be started.
    case launchFailed(command: String, reason: String)
    /// The process was still running, or had not written what was waited for, when the time was up. It has been
    /// killed; `stdout` and `stderr` are what it wrote until then.
    case timedOut(command: String, waitingFor: String, after: Duration, stdout: String, stderr: String)
    /// The process ended without writing what was waited for.
    case outputEnded(command: String, waitingFor: String, result: CommandResult)

    package var description: String {
        switch self {
        case .binaryNotFound(let searched):
            "the cmo binary is not built (looked for \(searched.joined(separator: ", "))); "
                + "run `swift build --build-tests` before `swift test --skip-build`"
        case .launchFailed(let command, let reason):
            "could not start `\(command)`: \(reason)"
        case .timedOut(let command, let waitingFor, let after, let stdout, let stderr):
            "`\(command)` did not \(waitingFor) within \(after) (killed)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
        case .outputEnded(let command, let waitingFor, let result):
            "`\(command)` ended before it would \(waitingFor): \(result)"
        }
    }
}
