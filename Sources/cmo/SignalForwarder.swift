import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into calls of `handler` with the signal's name and how many signals have arrived,
/// for as long as it lives.
final class SignalForwarder {
    private let sources: [any DispatchSourceSignal]

    init(_ handler: @escaping @Sendable (String, Int) -> Void) {
        let counter = SignalCounter()
        // A parent may start us with these signals blocked (some test harnesses do): unblock them here so that
        // at least this thread receives them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                handler(name, counter.increment())
            }
            source.resume()
            return source
        }
    }

    /// Stops forwarding and restores the default actions.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// Counts signals across the sources' queues.
private final class SignalCounter: Sendable {
    private let count = Mutex(0)

    func increment() -> Int {
        count.withLock { value in
            value += 1
            return value
        }
    }
}

/// Exits the process with code 4 when `after` seconds pass before ``cancel()``.
final class Watchdog {
    private let timer: any DispatchSourceTimer

    init(after seconds: Double) {
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + seconds)
        timer.setEventHandler {
            FileOutput.standardError.write("cmo: stopped: the script did not stop after its timeout; exiting\n")
            exit(4)
        }
        timer.resume()
    }

    func cancel() { timer.cancel() }
}
