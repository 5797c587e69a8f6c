/// Whether new work (a `cmo.parallel` item) may start: not while requests already queue for an in-flight slot.
///
/// A thousand items in progress cost little while they wait on monitors, but an item queued for a slot holds its
/// whole request's frames. So an item starts only while the queued requests plus the items admitted whose first
/// request has not come yet leave room under the in-flight cap; a request entering the limiter, or an item ending,
/// uses up one admission. Items waiting on monitors or sleeps hold no slot and do not count, so they never hold
/// back new work. Pure logic: the ``RequestLimiter`` runs it under its lock and parks the waiters.
struct WorkAdmission: Sendable {
    /// Items admitted whose first request has not yet entered the limiter.
    private(set) var pending = 0
    /// Waiters parked, in arrival order.
    private var waiters: [Int] = []

    /// An item wants to start: `true` admits it now; `false` parks `id` until ``admitted(limit:queued:)`` names it.
    mutating func request(id: Int, limit: Int, queued: Int) -> Bool {
        if waiters.isEmpty, queued + pending < limit {
            pending += 1
            return true
        }
        waiters.append(id)
        return false
    }

    /// An item wants to start without waiting: `true` admits it; `false` leaves nothing behind.
    mutating func tryRequest(limit: Int, queued: Int) -> Bool {
        guard waiters.isEmpty, queued + pending < limit else { return false }
        pending += 1
        return true
    }

    /// A request entered the limiter (an admitted item's, usually): one admission is used up.
    mutating func requestEntered() {
        if pending > 0 { pending -= 1 }
    }

    /// An item ended: its admission is used up if no request of its own did it.
    mutating func itemEnded() {
        if pending > 0 { pending -= 1 }
    }

    /// The parked waiters that may start now, in order; each counts as admitted.
    mutating func admitted(limit: Int, queued: Int) -> [Int] {
        var ready: [Int] = []
        while !waiters.isEmpty, queued + pending < limit {
            ready.append(waiters.removeFirst())
            pending += 1
        }
        return ready
    }

    /// Forgets a parked waiter (its task was cancelled); `false` when it was already admitted.
    mutating func cancel(id: Int) -> Bool {
        guard let index = waiters.firstIndex(of: id) else { return false }
        waiters.remove(at: index)
        return true
    }
}
