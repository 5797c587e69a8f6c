import Foundation

/// What a child process wrote to its two pipes so far, and whether it has exited; shared by the threads that read
/// the pipes and the test that waits.
final class CollectedOutput: @unchecked Sendable {
    enum Stream { case stdout, stderr }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var stdout = Data()
    private var stderr = Data()
    private var openStreams = 2
    private var exit: (status: Int32, reason: Process.TerminationReason)?

    /// Starts a thread that reads `pipe` until its writers close it.
    func collect(_ pipe: Pipe, as stream: Stream) {
        let handle = pipe.fileHandleForReading
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                update { stream == .stdout ? $0.stdout.append(chunk) : $0.stderr.append(chunk) }
            }
            update { $0.openStreams -= 1 }
        }
        thread.start()
    }

    func exited(status: Int32, reason: Process.TerminationReason) {
        update { $0.exit = (status, reason) }
    }

    /// The outputs as text, whether both pipes are closed, and the exit if the process has exited.
    struct Snapshot {
        var stdout: String
        var stderr: String
        var closed: Bool
        var exit: (status: Int32, reason: Process.TerminationReason)?

        /// The result, once the process has exited and both pipes are closed.
        var result: CommandResult? {
            guard closed, let exit else { return nil }
            return CommandResult(status: exit.status, terminationReason: exit.reason, stdout: stdout, stderr: stderr)
        }
    }

    var snapshot: Snapshot {
        condition.lock()
        defer { condition.unlock() }
        return takeSnapshot()
    }

    /// Waits until `done` holds for a snapshot (returned), or until `deadline` (nil).
    func wait(until deadline: Date, for done: (Snapshot) -> Bool) -> Snapshot? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let snapshot = takeSnapshot()
            if done(snapshot) { return snapshot }
            if !condition.wait(until: deadline) { return done(takeSnapshot()) ? takeSnapshot() : nil }
        }
    }

    private func takeSnapshot() -> Snapshot {
        Snapshot(
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
            closed: openStreams == 0, exit: exit)
    }

    private func update(_ change: (CollectedOutput) -> Void) {
        condition.lock()
        change(self)
        condition.broadcast()
        condition.unlock()
    }
}
