/// One process's share of a tenant's rate: the slots it reserved in the shared bucket and the requests waiting for
/// one. Pure logic, given the monotonic clock's `now`; ``TenantRateBucket`` does the waiting and the SQL.
///
/// A process keeps at most `maximumBatch` slots that have not come yet (handed to a waiting request or held), and
/// reserves more only when half of them are spent: enough that several processes together keep the bucket's
/// schedule ahead of the clock (so the tenant gets its whole rate), few enough that a process that dies loses little
/// (its unspent slots pass unused). A reservation asks for as many slots as requests wait, up to that cap.
struct TenantSlotBook: Sendable {
    /// What a request is told when it asks for a slot.
    enum Arrival: Sendable, Equatable {
        /// Start at this instant (a held slot).
        case slot(ContinuousClock.Instant)
        /// Wait for a slot; when `reserve` is set, reserve that many slots now (the caller's job).
        case wait(reserve: Int?)
    }

    /// The most slots a process keeps that have not come yet.
    let maximumBatch: Int
    /// The spacing of the tenant's slots (1/rate).
    let interval: Duration
    /// Slots reserved and handed to no request, earliest first.
    private(set) var held: [ContinuousClock.Instant] = []
    /// Requests waiting for a slot, by id, first come first served.
    private(set) var waiting: [Int] = []
    /// Slots reserved that have not been spent (held, or handed to a request that has not started).
    private(set) var outstanding = 0
    /// Whether a reservation is under way (one at a time).
    private(set) var reserving = false
    /// No slot before this is used: the API answered 429 and asked to wait until then.
    private(set) var blockedUntil: ContinuousClock.Instant?

    init(maximumBatch: Int, interval: Duration) {
        self.maximumBatch = max(1, maximumBatch)
        self.interval = interval
    }

    /// Request `id` wants a slot.
    mutating func arrive(id: Int, now: ContinuousClock.Instant) -> Arrival {
        dropStale(now: now)
        if waiting.isEmpty, !held.isEmpty {
            return .slot(held.removeFirst())
        }
        waiting.append(id)
        return .wait(reserve: nextReservation())
    }

    /// A reservation came back with `slots` (earliest first): the waiting requests get theirs, the rest is held.
    /// Returns the slots handed out, and the next reservation to make (if any).
    mutating func reserved(_ slots: [ContinuousClock.Instant], now: ContinuousClock.Instant) -> (
        handed: [(id: Int, slot: ContinuousClock.Instant)], reserve: Int?
    ) {
        reserving = false
        var usable = slots
        if let blockedUntil {
            // Reserved before the 429's push reached the bucket: those slots fall in the block.
            let lost = usable.prefix { $0 < blockedUntil - interval }.count
            usable.removeFirst(lost)
        }
        outstanding += usable.count
        let count = min(usable.count, waiting.count)
        let handed = (0..<count).map { index in (id: waiting[index], slot: usable[index]) }
        waiting.removeFirst(count)
        held.append(contentsOf: usable.dropFirst(count))
        dropStale(now: now)
        return (handed, nextReservation())
    }

    /// The reservation failed: the requests waiting now are told so (their ids).
    mutating func reservationFailed() -> [Int] {
        reserving = false
        defer { waiting.removeAll() }
        return waiting
    }

    /// The request holding `slot` reached it. Returns whether it may start (false: a 429 blocked the slot meanwhile,
    /// ask again), and the next reservation to make (if any).
    mutating func spent(_ slot: ContinuousClock.Instant) -> (usable: Bool, reserve: Int?) {
        outstanding = max(0, outstanding - 1)
        let usable = blockedUntil.map { slot >= $0 - interval } ?? true
        return (usable, nextReservation())
    }

    /// Request `id` stopped waiting (cancelled). Returns whether it was still waiting.
    mutating func cancel(id: Int) -> Bool {
        guard let index = waiting.firstIndex(of: id) else { return false }
        waiting.remove(at: index)
        return true
    }

    /// The API answered 429: no slot before `until` is used; held slots before it are dropped.
    mutating func block(until: ContinuousClock.Instant) {
        blockedUntil = max(blockedUntil ?? until, until)
        let lost = held.prefix { $0 < until - interval }.count
        held.removeFirst(lost)
        outstanding = max(0, outstanding - lost)
    }

    /// Held slots that passed more than one interval ago are lost (a request sent at once would crowd the next
    /// process's slot).
    private mutating func dropStale(now: ContinuousClock.Instant) {
        let lost = held.prefix { $0 < now - interval }.count
        guard lost > 0 else { return }
        held.removeFirst(lost)
        outstanding = max(0, outstanding - lost)
    }

    /// How many slots to reserve now, if any: requests wait, none is being reserved, and at most half of the
    /// process's share is still ahead; as many as wait, up to the share.
    private mutating func nextReservation() -> Int? {
        guard !reserving, !waiting.isEmpty, outstanding <= maximumBatch / 2 else { return nil }
        reserving = true
        return max(1, min(waiting.count, maximumBatch - outstanding))
    }
}
