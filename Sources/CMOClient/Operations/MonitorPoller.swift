import HeapModule
import Logging
import Synchronization

/// Polls every monitor the client's callers wait on, so that a waiting caller holds a continuation, not a task.
///
/// `awaitMonitor` used to poll in its caller's task: a thousand changes waiting on monitors kept a thousand
/// tasks, each as deep as its deepest request (the client's `send` alone has an 8 KB frame). Here a waiter is an
/// entry in a table; one short task per poll does the request, and one sleeping task per distinct wake time (almost
/// always one) fires the polls that are due. At most `maxPolling` polls are under way (the client's
/// `maxInFlight`): more would only queue for a request slot, each in a task as deep as a request; the others wait
/// in the schedule, due, and start as polls end. Each waiter keeps its own ``MonitorPollStateMachine``, so the
/// schedule, `Retry-After` and the deadline behave as before.
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
        /// Polls under way.
        var polling = 0
    }

    private let state = Mutex(State())
    private let maxPolling: Int
    private let clock: any CMOClock
    private let logger: Logger
    /// Sends one poll: `GET monitor/{id}`, with the backend's pace.
    private let fetch: @Sendable (_ id: String, _ backend: String?) async throws(CMOError) -> (Monitor, Duration?)

    init(
        maxPolling: Int, clock: any CMOClock, logger: Logger,
        fetch: @escaping @Sendable (_ id: String, _ backend: String?) async throws(CMOError) -> (Monitor, Duration?)
    ) {
        self.maxPolling = max(1, maxPolling)
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
                let start: [Due]? = state.withLock { state in
                    if state.cancelledEarly.remove(id) != nil {
                        state.waiters[id] = nil
                        return nil
                    }
                    state.waiters[id]?.continuation = continuation
                    guard pollNow else { return [] }
                    state.schedule.insert(Due(at: clock.now, id: id, round: 0))
                    return takeDue(in: &state)
                }
                switch start {
                case nil: continuation.resume(returning: .failure(.cancelled("waiting for monitor \(monitor.id)")))
                case let due? where pollNow: for poll in due { self.poll(poll) }
                case _?: answered(id, round: 0, .success((monitor, nil)), polled: false)
                }
            }
        } onCancel: {
            cancel(id)
        }
        return try result.get()
    }

    /// Sends a due poll in a task of its own, then hands the answer to ``answered(_:round:_:polled:)``. The poll
    /// was counted in ``State/polling`` by ``takeDue(in:)``.
    private func poll(_ due: Due) {
        let id = due.id, round = due.round
        guard let (monitorID, backend) = state.withLock({ state in
            state.waiters[id].map { ($0.current.id, $0.backend ?? CMOClient.backend(of: $0.current)) }
        }) else {
            answered(id, round: round, .failure(.cancelled("monitor wait ended")), polled: true)
            return
        }
        let fetch = self.fetch
        Task {
            let answer: Result<(Monitor, Duration?), CMOError>
            do throws(CMOError) {
                answer = .success(try await fetch(monitorID, backend))
            } catch {
                answer = .failure(error)
            }
            self.answered(id, round: round, answer, polled: true)
        }
    }

    /// A poll of waiter `id` answered (`polled`: a poll it sent; else the monitor it was handed): ends the wait or
    /// schedules the next poll, and starts the polls that were waiting for this one's place.
    private func answered(
        _ id: Int, round: Int, _ answer: Result<(Monitor, Duration?), CMOError>, polled: Bool
    ) {
        let (ending, due, wake) = state.withLock { state in
            if polled { state.polling -= 1 }
            let ending = settle(id, round: round, answer, in: &state)
            // After the settling: a next poll due at once (a zero Retry-After) starts here.
            return (ending, takeDue(in: &state), nextWake(in: &state))
        }
        for poll in due { self.poll(poll) }
        if let (continuation, end) = ending { continuation.resume(returning: end) }
        if let wake { sleep(until: wake) }
    }

    /// Feeds the answer to the waiter's machine: its end (to resume it with), or nil with its next poll scheduled
    /// (or when the answer is stale: the wait ended meanwhile).
    private func settle(
        _ id: Int, round: Int, _ answer: Result<(Monitor, Duration?), CMOError>, in state: inout State
    ) -> (Resumption, Result<Monitor, CMOError>)? {
        guard var waiter = state.waiters[id], waiter.round == round, let continuation = waiter.continuation else {
            return nil
        }
        let end: Result<Monitor, CMOError>
        switch answer {
        case .failure(let error):
            end = .failure(error)
        case .success(let (monitor, retryAfter)):
            waiter.current = monitor
            let now = clock.now
            switch waiter.machine.polled(state: monitor.state, retryAfter: retryAfter, now: now) {
            case .completed: end = .success(monitor)
            case .failed: end = .failure(.monitorFailed(monitor))
            case .timedOut: end = .failure(.monitorTimedOut(monitor, after: waiter.timeout))
            case .poll(let delay):
                waiter.round += 1
                state.waiters[id] = waiter
                state.schedule.insert(Due(at: now + delay, id: id, round: waiter.round))
                return nil
            }
        }
        state.waiters[id] = nil
        return (continuation, end)
    }

    /// Takes the polls due by now, as many as there is room for, and counts them as under way. Stale entries (a
    /// wait that ended, an older round) are dropped on the way.
    private func takeDue(in state: inout State) -> [Due] {
        let now = clock.now
        var due: [Due] = []
        while state.polling < maxPolling, let next = state.schedule.min, next.at <= now {
            state.schedule.removeMin()
            guard state.waiters[next.id]?.round == next.round else { continue }
            state.polling += 1
            due.append(next)
        }
        return due
    }

    /// The time a new sleeping task must wake at for the next poll, unless one already wakes by then. Polls left
    /// due for want of room need none: they exist only while `maxPolling` polls are under way, and each poll that
    /// ends starts them (and, with the last of them, asks for the wake of the next).
    private func nextWake(in state: inout State) -> ContinuousClock.Instant? {
        guard let next = state.schedule.min, next.at > clock.now else { return nil }
        if state.wakes.contains(where: { $0 <= next.at }) { return nil }
        state.wakes.append(next.at)
        return next.at
    }

    /// A task that sleeps until `at`, then fires the polls due.
    private func sleep(until at: ContinuousClock.Instant) {
        let clock = self.clock
        Task {
            try? await clock.sleep(until: at)
            self.fireDue(wokeFor: at)
        }
    }

    /// Starts the polls due by now (as many as there is room for); keeps a sleeping task for the next one.
    private func fireDue(wokeFor at: ContinuousClock.Instant) {
        let (due, wake): ([Due], ContinuousClock.Instant?) = state.withLock { state in
            if let index = state.wakes.firstIndex(of: at) { state.wakes.remove(at: index) }
            let due = takeDue(in: &state)
            return (due, nextWake(in: &state))
        }
        if !due.isEmpty { logger.trace("polling monitors", metadata: ["polls": "\(due.count)"]) }
        for poll in due { self.poll(poll) }
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
