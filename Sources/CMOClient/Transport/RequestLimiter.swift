import Synchronization

/// Enforces `Configuration.Limits` and the backends' pace: a cap on requests in flight, an optional even spacing of
/// all request starts (`--rate-limit`), and the per-backend spacing and blocks of `RatePacing`.
final class RequestLimiter: Sendable {
    private struct Locked: ~Copyable {
        var gate: InFlightGate
        var pacing: RatePacing
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var admission = WorkAdmission()
        var admissionWaiters: [Int: CheckedContinuation<Void, Never>] = [:]

        /// The parked work that may start now, taken out of the waiters.
        mutating func admittedWork() -> [CheckedContinuation<Void, Never>] {
            admission.admitted(limit: gate.limit, queued: gate.waiting).compactMap { admissionWaiters.removeValue(forKey: $0) }
        }
    }

    private let locked: Mutex<Locked>
    private let maximumWait: Duration
    private let clock: any CMOClock

    init(
        limits: Configuration.Limits, backends: BackendCatalogue = .standard, maximumWait: Duration = .seconds(60),
        clock: any CMOClock = SystemClock()
    ) {
        self.maximumWait = maximumWait
        self.clock = clock
        self.locked = Mutex(
            Locked(
                gate: InFlightGate(limit: limits.maxInFlight),
                pacing: RatePacing(
                    globalRate: limits.requestsPerSecond, catalogue: backends, maximumWait: maximumWait)))
    }

    /// Waits for the backend's turn, a slot and the next global start time; every successful call must be paired
    /// with `release()`.
    ///
    /// The backend's turn comes first, before a slot is taken: requests waiting on a slow backend hold no slot, so
    /// requests for other backends pass them. A request waiting for a slot is not cancellable: slots free up as
    /// soon as running requests end.
    ///
    /// - Throws: `rateLimited` (nothing sent) when the API asked to wait longer than `maximumWait` for this
    ///   backend or for all; `cancelled`.
    func acquire(backend: String? = nil, request: String = "request") async throws(CMOError) {
        let ready = locked.withLock { locked in
            locked.admission.requestEntered()
            return locked.admittedWork()
        }
        for continuation in ready { continuation.resume() }
        try await waitForBackend(backend, request: request)
        let admitted = locked.withLock { locked in
            locked.gate.waiting == 0 && locked.gate.inFlight < locked.gate.limit
                && locked.gate.enter(id: -1) == .proceed
        }
        if !admitted {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Queue and park in one critical section, so that `release` always finds the continuation.
                let proceed = locked.withLock { locked in
                    let id = locked.nextID
                    locked.nextID += 1
                    if locked.gate.enter(id: id) == .proceed { return true }
                    locked.waiters[id] = continuation
                    return false
                }
                if proceed { continuation.resume() }
            }
        }
        guard let reserved = locked.withLock({ locked in locked.pacing.reserveGlobal(now: clock.now) }) else { return }
        do {
            if reserved > clock.now { try await clock.sleep(until: reserved) }
            let start = locked.withLock { locked in locked.pacing.confirmGlobal(now: clock.now) }
            if start > clock.now { try await clock.sleep(until: start) }
        } catch {
            release()
            throw CMOError.cancelled("waiting for the request rate limit")
        }
    }

    /// Waits until the backend's lane lets the request start, and for any block learned meanwhile.
    private func waitForBackend(_ backend: String?, request: String) async throws(CMOError) {
        var decision = locked.withLock { locked in locked.pacing.reserve(backend: backend, now: clock.now) }
        while true {
            let until: ContinuousClock.Instant
            switch decision {
            case .refuse(let wait):
                throw CMOError.rateLimited(
                    request: request, retryAfter: wait, maximumWait: maximumWait, response: nil, attempts: 0)
            case .start(let at):
                until = at
            }
            if until > clock.now {
                do {
                    try await clock.sleep(until: until)
                } catch {
                    throw CMOError.cancelled("waiting for the rate limit of \(backend ?? "the API")")
                }
            }
            // A 429 or an exhausted window may have blocked the lane while this request slept.
            let now = clock.now
            guard let blocked = locked.withLock({ locked in locked.pacing.blocked(backend: backend, now: now) })
            else {
                // Requests that woke late together go out spaced, not as a burst.
                let start = locked.withLock { locked in locked.pacing.confirm(backend: backend, now: clock.now) }
                guard start > clock.now else { return }
                do {
                    try await clock.sleep(until: start)
                } catch {
                    throw CMOError.cancelled("waiting for the rate limit of \(backend ?? "the API")")
                }
                return
            }
            decision = blocked - now > maximumWait ? .refuse(retryAfter: blocked - now) : .start(at: blocked)
        }
    }

    /// Learns from an answer to a request of `backend`: 429s and `X-Rate-Limit-*` headers.
    func answered(backend: String?, outcome: HTTPOutcome) {
        let rateLimit = outcome.rateLimit
        guard outcome.status == 429 || rateLimit != nil else { return }
        let retryAfter = outcome.retryAfter
        locked.withLock { locked in
            locked.pacing.answered(
                backend: backend, status: outcome.status, retryAfter: retryAfter, rateLimit: rateLimit, now: clock.now)
        }
    }

    /// The requests per second `backend` is held to now (the catalogue's, lowered by 429s), nil when unlimited.
    func rate(backend: String) -> Double? {
        locked.withLock { locked in locked.pacing.rate(backend: backend) }
    }

    /// Frees the slot taken by `acquire()`.
    func release() {
        let (continuation, ready): (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) =
            locked.withLock { locked in
                let next = locked.gate.leave().flatMap { locked.waiters.removeValue(forKey: $0) }
                return (next, locked.admittedWork())
            }
        continuation?.resume()
        for waiter in ready { waiter.resume() }
    }

    /// Admits new work at once when requests are not queueing for slots (see ``WorkAdmission``); `false` when it
    /// must wait with ``admitWork()``.
    func tryAdmitWork() -> Bool {
        locked.withLock { locked in locked.admission.tryRequest(limit: locked.gate.limit, queued: locked.gate.waiting) }
    }

    /// Waits until new work may start (see ``WorkAdmission``). Returns at once when the task is cancelled.
    func admitWork() async {
        let id = locked.withLock { locked in
            defer { locked.nextID += 1 }
            return locked.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let admitted = locked.withLock { locked in
                    if Task.isCancelled { return true }
                    if locked.admission.request(id: id, limit: locked.gate.limit, queued: locked.gate.waiting) {
                        return true
                    }
                    locked.admissionWaiters[id] = continuation
                    return false
                }
                if admitted { continuation.resume() }
            }
        } onCancel: {
            let parked = locked.withLock { locked in
                locked.admission.cancel(id: id) ? locked.admissionWaiters.removeValue(forKey: id) : nil
            }
            parked?.resume()
        }
    }

    /// An item of admitted work ended (see ``WorkAdmission``).
    func workEnded() {
        let ready = locked.withLock { locked in
            locked.admission.itemEnded()
            return locked.admittedWork()
        }
        for continuation in ready { continuation.resume() }
    }
}
