import Foundation

/// How a `cmo` process ended and everything it wrote.
package struct CommandResult: Sendable, CustomStringConvertible {
    /// The exit status, or the signal's number when ``terminationReason`` is `uncaughtSignal`.
    package var status: Int32
    /// Whether the process exited or was ended by a signal.
    package var terminationReason: Process.TerminationReason
    /// Everything written to standard output.
    package var stdout: String
    /// Everything written to standard error.
    package var stderr: String

    package init(status: Int32, terminationReason: Process.TerminationReason, stdout: String, stderr: String) {
        self.status = status
        self.terminationReason = terminationReason
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The status and both outputs, for failure messages.
    package var description: String {
        let ending = terminationReason == .exit ? "exit status \(status)" : "signal \(status)"
        return "\(ending)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }
}
