import Foundation
import Synchronization

/// Starts the schedule daemon's child processes so that they die with the daemon, even by SIGKILL: each child is
/// started through util-linux's `setpriv --pdeathsig KILL`, which sets `PR_SET_PDEATHSIG` in the child before it
/// becomes `cmo run`. Linux sends that signal when the child's parent *thread* ends, so every child is started
/// from one thread of its own that lives as long as the daemon (a pooled thread may end when idle and would kill
/// the run with it).
///
/// Why: a replica killed mid-run leaves its fire to another replica, which resumes the run; the dead replica's
/// child must not go on changing SIMs alongside the resumed run.
final class DaemonChildSpawner: Sendable {
    /// The one spawner of the process.
    static let shared = DaemonChildSpawner()

    /// `setpriv`, when installed (util-linux); without it children are started directly and do not die with the
    /// daemon.
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    private struct Queue {
        var jobs: [@Sendable () -> Void] = []
    }

    private let queue = Mutex(Queue())
    private let ready = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in
            while true {
                ready.wait()
                let job = queue.withLock { $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() }
                job?()
            }
        }
        thread.name = "cmo-child-spawner"
        thread.start()
    }

    /// `executable arguments...` as the process would run, wrapped in `setpriv --pdeathsig KILL --` when possible.
    static func command(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard let setpriv else { return (executable, arguments) }
        return (setpriv, ["--pdeathsig", "KILL", "--", executable] + arguments)
    }

    /// Runs `process` from the spawner's thread.
    func run(_ process: Process) async throws {
        let box = UncheckedProcess(process: process)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.withLock {
                $0.jobs.append {
                    do {
                        try box.process.run()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
            ready.signal()
        }
    }
}

/// A `Process` handed to the spawner's thread (it is only touched there until it runs).
private struct UncheckedProcess: @unchecked Sendable {
    let process: Process
}
