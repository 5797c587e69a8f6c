/// Counts requests in flight against a cap and queues the rest in arrival order.
///
/// Pure logic: the gate tracks waiter ids; the caller parks and resumes them.
struct InFlightGate: Sendable {
    enum EnterAction: Sendable, Equatable {
        case proceed
        case wait
    }

    let limit: Int
    private(set) var inFlight = 0
    private var queue: [Int] = []
    private var head = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waiters queued and not yet admitted.
    var waiting: Int { queue.count - head }

    /// A request wants to start: proceed now, or wait (its id is queued).
    mutating func enter(id: Int) -> EnterAction {
        if inFlight < limit && waiting == 0 {
            inFlight += 1
            return .proceed
        }
        queue.append(id)
        return .wait
    }

    /// A request finished: returns the id of the waiter admitted in its place, if any.
    mutating func leave() -> Int? {
        guard waiting > 0 else {
            inFlight -= 1
            return nil
        }
        let next = queue[head]
        head += 1
        if head > 64 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return next  // the slot passes straight to the waiter
    }

    /// A waiter gave up (cancelled) before being admitted; `false` when it was already admitted.
    mutating func cancel(id: Int) -> Bool {
        guard let index = queue[head...].firstIndex(of: id) else { return false }
        queue.remove(at: index)
        return true
    }
}
