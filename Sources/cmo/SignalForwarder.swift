import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write end of the self-pipe that signal handlers write to (async-signal-safe: one `write`).
nonisolated(unsafe) private var signalPipe: Int32 = -1

private func forwardSignal(_ number: Int32) {
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipe, &byte, 1)
}

/// Turns SIGINT and SIGTERM into calls of `handler` with the signal's name and how many signals have arrived,
/// until ``cancel()``.
///
/// A self-pipe: the signal handler writes the signal's number, a dedicated thread reads it and calls `handler`.
/// The signals are unblocked here and on that thread, since a parent may start us with them blocked.
final class SignalForwarder {
    private let descriptors: (read: Int32, write: Int32)

    init(_ handler: @escaping @Sendable (String, Int) -> Void) {
        var fds: [Int32] = [-1, -1]
        _ = pipe(&fds)
        descriptors = (fds[0], fds[1])
        signalPipe = fds[1]
        Self.unblock()
        signal(SIGINT, forwardSignal)
        signal(SIGTERM, forwardSignal)
        let reader = fds[0]
        Thread.detachNewThread {
            Self.unblock()
            var count = 0
            var byte: UInt8 = 0
            while read(reader, &byte, 1) == 1 {
                count += 1
                handler(Int32(byte) == SIGINT ? "SIGINT" : "SIGTERM", count)
            }
            close(reader)
        }
    }

    /// Stops forwarding: the process is winding down with its outcome decided, so a signal that arrives from now
    /// on is ignored rather than turning a finished session's exit code into a death by signal.
    func cancel() {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signalPipe = -1
        close(descriptors.write)
    }

    private static func unblock() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
