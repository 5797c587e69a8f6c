import Synchronization

/// Enforces `Configuration.Limits`: a cap on requests in flight and an optional even spacing of request starts.
final class RequestLimiter: Sendable {
    private struct Locked: ~Copyable {
        var gate: InFlightGate
        var spacing: RateSpacing?
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let locked: Mutex<Locked>

    init(limits: Configuration.Limits) {
        self.locked = Mutex(
            Locked(
                gate: InFlightGate(limit: limits.maxInFlight),
                spacing: limits.requestsPerSecond.map(RateSpacing.init(requestsPerSecond:))))
    }

    /// Waits for a slot and for the next start time; every successful call must be paired with `release()`.
    ///
    /// A request waiting for a slot is not cancellable: slots free up as soon as running requests end.
    func acquire() async throws(CMOError) {
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
        let start = locked.withLock { locked in locked.spacing?.reserve(now: .now) }
        if let start, start > .now {
            do {
                try await Task.sleep(until: start, clock: .continuous)
            } catch {
                release()
                throw CMOError.cancelled("waiting for the request rate limit")
            }
        }
    }

    /// Frees the slot taken by `acquire()`.
    func release() {
        let continuation: CheckedContinuation<Void, Never>? = locked.withLock { locked in
            guard let next = locked.gate.leave() else { return nil }
            return locked.waiters.removeValue(forKey: next)
        }
        continuation?.resume()
    }
}
