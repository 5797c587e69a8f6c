import HeapModule
import Logging
import Synchronization

/// Polls every monitor the client's callers wait on, so that a waiting caller holds a continuation, not a task.
///
/// `awaitMonitor` used to poll in its caller's task: a thousand changes waiting on monitors kept a thousand
/// tasks, each as deep as its deepest request (the client's `send` alone has an 8 KB frame). Here a waiter is an
/// entry in a table; one short task per poll does the request, and one sleeping task per distinct wake time (almost
/// always one) fires the polls that are due. Each waiter keeps its own ``MonitorPollStateMachine``, so the schedule,
/// `Retry-After` and the deadline behave as before.
final class MonitorPoller: Sendable {
    /// How a waiting caller is resumed: with the monitor's end, or the error that ends the wait.
    private typealias Resumption = CheckedContinuation<Result<Monitor, CMOError>, Never>

    /// One caller waiting on a monitor.
    private struct Waiter {
        var current: Monitor
        let backend: String?
        var machine: MonitorPollStateMachine
        let timeout: Duration
        var continuation: Resumption?
        /// The poll this waiter is scheduled for (stale heap entries carry an older one).
        var round = 0
    }

    /// A waiter's next poll, ordered by time.
    private struct Due: Comparable {
        let at: ContinuousClock.Instant
        let id: Int
        let round: Int

        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.at, lhs.id) < (rhs.at, rhs.id) }
    }

    private struct State {
        var waiters: [Int: Waiter] = [:]
        var schedule = Heap<Due>()
        /// Wake times a sleeping task will fire at.
        var wakes: [ContinuousClock.Instant] = []
        /// Waiters cancelled before their continuation was stored.
        var cancelledEarly: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())
    private let clock: any CMOClock
    private let logger: Logger
    /// Sends one poll: `GET monitor/{id}`, with the backend's pace.
    private let fetch: @Sendable (_ id: String, _ backend: String?) async throws(CMOError) -> (Monitor, Duration?)

    init(
        clock: any CMOClock, logger: Logger,
        fetch: @escaping @Sendable (_ id: String, _ backend: String?) async throws(CMOError) -> (Monitor, Duration?)
    ) {
        self.clock = clock
        self.logger = logger
        self.fetch = fetch
    }

    /// Waits until `monitor` completes, fails or times out, polling at once unless it is already final.
    func wait(
        for monitor: Monitor, backend: String?, polling: Configuration.MonitorPolling, timeout: Duration
    ) async throws(CMOError) -> Monitor {
        let machine = MonitorPollStateMachine(polling: polling, deadline: clock.now + timeout)
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.waiters[state.nextID] = Waiter(
                current: monitor, backend: backend, machine: machine, timeout: timeout, continuation: nil)
            return state.nextID
        }
        let pollNow = !monitor.state.isFinal || monitor.json.isNull
        let result: Result<Monitor, CMOError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Resumption) in
                let start: Bool? = state.withLock { state in
                    if state.cancelledEarly.remove(id) != nil {
                        state.waiters[id] = nil
                        return nil
                    }
                    state.waiters[id]?.continuation = continuation
                    return pollNow
                }
                switch start {
                case nil: continuation.resume(returning: .failure(.cancelled("waiting for monitor \(monitor.id)")))
                case true?: poll(id, round: 0)
                case false?: answered(id, round: 0, .success((monitor, nil)))
                }
            }
        } onCancel: {
            cancel(id)
        }
        return try result.get()
    }

    /// Sends the poll of waiter `id` in a task of its own, then hands the answer to ``answered(_:round:_:)``.
    private func poll(_ id: Int, round: Int) {
        guard let (monitorID, backend) = state.withLock({ state in
            state.waiters[id].map { ($0.current.id, $0.backend ?? CMOClient.backend(of: $0.current)) }
        }) else { return }
        let fetch = self.fetch
        Task {
            let answer: Result<(Monitor, Duration?), CMOError>
            do throws(CMOError) {
                answer = .success(try await fetch(monitorID, backend))
            } catch {
                answer = .failure(error)
            }
            self.answered(id, round: round, answer)
        }
    }

    /// A poll of waiter `id` answered: ends the wait or schedules the next poll.
    private func answered(_ id: Int, round: Int, _ answer: Result<(Monitor, Duration?), CMOError>) {
        let now = clock.now
        let (ending, wake): ((Resumption, Result<Monitor, CMOError>)?, ContinuousClock.Instant?) =
            state.withLock { state in
                guard var waiter = state.waiters[id], waiter.round == round, let continuation = waiter.continuation else {
                    return (nil, nil)
                }
                let end: Result<Monitor, CMOError>
                switch answer {
                case .failure(let error):
                    end = .failure(error)
                case .success(let (monitor, retryAfter)):
                    waiter.current = monitor
                    switch waiter.machine.polled(state: monitor.state, retryAfter: retryAfter, now: now) {
                    case .completed: end = .success(monitor)
                    case .failed: end = .failure(.monitorFailed(monitor))
                    case .timedOut: end = .failure(.monitorTimedOut(monitor, after: waiter.timeout))
                    case .poll(let delay):
                        waiter.round += 1
                        state.waiters[id] = waiter
                        let at = now + delay
                        state.schedule.insert(Due(at: at, id: id, round: waiter.round))
                        return (nil, Self.claimWake(at, in: &state))
                    }
                }
                state.waiters[id] = nil
                return ((continuation, end), nil)
            }
        if let (continuation, end) = ending {
            continuation.resume(returning: end)
            return
        }
        if let wake { sleep(until: wake) }
    }

    /// Records a sleeping task for `at` unless one already wakes by then; returns the time to sleep until, if any.
    private static func claimWake(_ at: ContinuousClock.Instant, in state: inout State) -> ContinuousClock.Instant? {
        if state.wakes.contains(where: { $0 <= at }) { return nil }
        state.wakes.append(at)
        return at
    }

    /// A task that sleeps until `at`, then fires the polls due.
    private func sleep(until at: ContinuousClock.Instant) {
        let clock = self.clock
        Task {
            try? await clock.sleep(until: at)
            self.fireDue(wokeFor: at)
        }
    }

    /// Starts every poll due by now; keeps a sleeping task for the next one.
    private func fireDue(wokeFor at: ContinuousClock.Instant) {
        let now = clock.now
        let (due, wake): ([(Int, Int)], ContinuousClock.Instant?) = state.withLock { state in
            if let index = state.wakes.firstIndex(of: at) { state.wakes.remove(at: index) }
            var due: [(Int, Int)] = []
            while let next = state.schedule.min, next.at <= now {
                state.schedule.removeMin()
                if state.waiters[next.id]?.round == next.round { due.append((next.id, next.round)) }
            }
            guard let next = state.schedule.min else { return (due, nil) }
            return (due, Self.claimWake(next.at, in: &state))
        }
        for (id, round) in due {
            logger.trace("monitor in progress: polling", metadata: ["waiter": "\(id)"])
            poll(id, round: round)
        }
        if let wake { sleep(until: wake) }
    }

    /// The waiting task was cancelled: the wait ends with `.cancelled`.
    private func cancel(_ id: Int) {
        let ended: (Resumption, String)? = state.withLock { state in
            guard let waiter = state.waiters[id] else { return nil }
            guard let continuation = waiter.continuation else {
                state.cancelledEarly.insert(id)
                return nil
            }
            state.waiters[id] = nil
            return (continuation, waiter.current.id)
        }
        if let (continuation, monitorID) = ended {
            continuation.resume(returning: .failure(.cancelled("waiting for monitor \(monitorID)")))
        }
    }
}
