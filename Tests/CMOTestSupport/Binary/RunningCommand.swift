import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `cmo` process started by ``CMOBinary/start(_:environment:in:input:)``.
///
/// Both outputs are read as they come (a chatty child never blocks on a full pipe) and can be waited for with a
/// time limit. A process still running when this value goes away is killed and reaped.
package final class RunningCommand: @unchecked Sendable {
    /// `cmo` and its arguments, for messages.
    package let commandLine: String
    private let process = Process()
    private let output = CollectedOutput()

    init(
        executable: URL, arguments: [String], environment: [String: String]?, directory: String?, input: String?
    ) throws(CommandError) {
        commandLine = (["cmo"] + arguments).joined(separator: " ")
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.terminationHandler = { [output] process in
            output.exited(status: process.terminationStatus, reason: process.terminationReason)
        }
        do {
            try process.run()
        } catch {
            throw .launchFailed(command: commandLine, reason: "\(error)")
        }
        output.collect(stdout, as: .stdout)
        output.collect(stderr, as: .stderr)
        if let stdin, let input {
            // A thread of its own, so that input larger than the pipe cannot block the test.
            Thread {
                stdin.fileHandleForWriting.write(Data(input.utf8))
                try? stdin.fileHandleForWriting.close()
            }.start()
        }
    }

    /// The child's process id.
    package var processIdentifier: Int32 { process.processIdentifier }

    /// Whether the child has not exited yet.
    package var isRunning: Bool { output.snapshot.exit == nil }

    /// Standard output so far.
    package var stdout: String { output.snapshot.stdout }

    /// Standard error so far.
    package var stderr: String { output.snapshot.stderr }

    /// Sends `signal` (`SIGINT`, `SIGTERM`, `SIGKILL`, ...) to the child.
    package func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until standard output contains `marker`, and returns the standard output so far.
    ///
    /// - Throws: ``CommandError/outputEnded(command:waitingFor:result:)`` when the child ends first,
    ///   ``CommandError/timedOut(command:waitingFor:after:stdout:stderr:)`` (and kills it) when `timeout` passes.
    @discardableResult
    package func waitForOutput(
        containing marker: String, timeout: Duration = .seconds(60)
    ) throws(CommandError) -> String {
        try waitForOutput(describedAs: "print \(marker.debugDescription)", timeout: timeout) { $0.contains(marker) }
    }

    /// Waits until `ready` holds for the standard output so far, and returns it; `description` completes "did not
    /// ..." in the error. Throws as ``waitForOutput(containing:timeout:)``.
    package func waitForOutput(
        describedAs description: String, timeout: Duration = .seconds(60), until ready: (String) -> Bool
    ) throws(CommandError) -> String {
        let snapshot = output.wait(until: Self.deadline(after: timeout)) { ready($0.stdout) || $0.result != nil }
        if let snapshot, ready(snapshot.stdout) { return snapshot.stdout }
        if let result = snapshot?.result {
            throw .outputEnded(command: commandLine, waitingFor: description, result: result)
        }
        throw killAfterTimeout(waitingFor: description, timeout: timeout)
    }

    /// Waits until the child has exited and closed both outputs, and returns what it did.
    ///
    /// - Throws: ``CommandError/timedOut(command:waitingFor:after:stdout:stderr:)`` (and kills it) when `timeout`
    ///   passes first.
    @discardableResult
    package func wait(timeout: Duration = .seconds(300)) throws(CommandError) -> CommandResult {
        if let result = output.wait(until: Self.deadline(after: timeout), for: { $0.result != nil })?.result {
            return result
        }
        throw killAfterTimeout(waitingFor: "finish", timeout: timeout)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func killAfterTimeout(waitingFor description: String, timeout: Duration) -> CommandError {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let snapshot = output.snapshot
        return .timedOut(
            command: commandLine, waitingFor: description, after: timeout, stdout: snapshot.stdout,
            stderr: snapshot.stderr)
    }

    private static func deadline(after timeout: Duration) -> Date {
        let (seconds, attoseconds) = timeout.components
        return Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
