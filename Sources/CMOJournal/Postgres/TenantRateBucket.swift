import PostgresNIO
import Synchronization

/// A tenant-wide rate limit kept in the PostgreSQL journal (`cmo run --tenant-rate-limit N`): every process of the
/// tenant (one key: the API's base URL and the client id) takes its requests' start times from one GCRA bucket, the
/// row of `tenant_rate` holding the tenant's *theoretical arrival time* (`tat`), the time the next free slot starts.
///
/// A reservation of `n` slots is one statement: `tat = greatest(tat, clock_timestamp()) + n * interval`, returning
/// how far the new `tat` lies ahead of the server's clock. The `n` slots are the `n` intervals before it, taken as
/// offsets from the server's now and laid on this process's monotonic clock from the moment the answer arrived
/// (a little late, never early), so the hosts' wall clocks never matter. Slots are reserved a few at a time
/// (``TenantSlotBook``) and spent by sleeping on the monotonic clock. A 429 pushes the `tat` past its
/// `Retry-After` for everyone.
public final class TenantRateBucket: Sendable {
    private struct State: ~Copyable {
        var book: TenantSlotBook
        var nextID = 0
        var waiters: [Int: CheckedContinuation<ContinuousClock.Instant, any Error>] = [:]
    }

    /// The bucket's key in `tenant_rate`: the API's base URL and the client id, never a secret.
    public let key: String
    /// The tenant's rate, in requests per second.
    public let requestsPerSecond: Double
    /// The spacing of slots, whole microseconds rounded up (the rate is never exceeded).
    public let interval: Duration
    private let journal: PostgresJournal
    private let state: Mutex<State>

    /// The bucket of `key` in `journal`'s database, whose row is made if missing (`INSERT ... ON CONFLICT DO
    /// NOTHING`; a new row's `tat` is the server's now, so there is no burst).
    ///
    /// - Parameters:
    ///   - maximumBatch: the most slots this process keeps that have not come yet: with several processes, each
    ///     reserves ahead so that together they keep the whole rate; a killed process loses at most this many
    ///     slots. Default: a tenth of a second's worth, at least 4 and at most 64 (4 up to 40 requests/s).
    public static func open(
        journal: PostgresJournal, key: String, requestsPerSecond: Double, maximumBatch: Int? = nil
    ) async throws(JournalError) -> TenantRateBucket {
        guard requestsPerSecond > 0, requestsPerSecond.isFinite else {
            throw JournalError(.storage, "a tenant rate limit must be a positive number of requests per second")
        }
        let bucket = TenantRateBucket(
            journal: journal, key: key, requestsPerSecond: requestsPerSecond,
            maximumBatch: maximumBatch ?? Self.defaultBatch(requestsPerSecond: requestsPerSecond))
        try await bucket.insertRow()
        return bucket
    }

    private init(journal: PostgresJournal, key: String, requestsPerSecond: Double, maximumBatch: Int) {
        self.journal = journal
        self.key = key
        self.requestsPerSecond = requestsPerSecond
        interval = .microseconds(Int64((1_000_000 / requestsPerSecond).rounded(.up)))
        state = Mutex(State(book: TenantSlotBook(maximumBatch: maximumBatch, interval: interval)))
    }

    /// A tenth of a second's worth of slots, at least 4 and at most 64.
    static func defaultBatch(requestsPerSecond: Double) -> Int {
        Int(min(64, max(4, (requestsPerSecond / 10).rounded(.down))))
    }

    /// Returns when this process may start its next request (at once when a slot it holds has come).
    ///
    /// - Throws: `CancellationError` when the task is cancelled while it waits; a `JournalError` when slots
    ///   cannot be reserved (the database stayed away longer than the journal's reconnect window).
    public func take() async throws {
        while true {
            let slot = try await awaitSlot()
            var cancelled = false
            if slot > .now {
                do {
                    try await Task.sleep(until: slot, clock: .continuous)
                } catch {
                    cancelled = true  // the slot passes unused, but it is spent all the same
                }
            }
            let (usable, reserve) = state.withLock { $0.book.spent(slot) }
            if let reserve { startReservation(reserve) }
            if cancelled { throw CancellationError() }
            if usable { return }
        }
    }

    /// The API answered 429: the bucket's `tat` moves to `retryAfter` from the server's now (unless it is later
    /// already), so no process of the tenant starts a request before; this process drops its slots before then.
    public func pushBack(retryAfter: Duration) async throws(JournalError) {
        state.withLock { $0.book.block(until: .now + retryAfter) }
        let microseconds = retryAfter.wholeMicroseconds
        try await journal.retrying("push back the tenant rate limit") { [journal, key] client in
            try await client.query(
                """
                UPDATE tenant_rate SET tat = greatest(tat, clock_timestamp() + \(microseconds) * interval '1 microsecond')
                WHERE tenant = \(key)
                """, logger: journal.logger)
        }
    }

    /// Reserves `count` slots in the database; their start instants on this process's monotonic clock, earliest
    /// first.
    ///
    /// The statement commits without waiting for the WAL to reach the disk (`synchronous_commit` off for its own
    /// transaction only, set by the `set_config` it joins): a reservation then costs a round trip, not an fsync
    /// shared with the journal's intents. Should the server crash, the reservations of its last moments are lost
    /// and their slots handed out again once: a short burst the API's 429s push back.
    func reserve(_ count: Int) async throws(JournalError) -> [ContinuousClock.Instant] {
        let microseconds = Int64(count) * interval.wholeMicroseconds
        let ahead = try await journal.retrying("reserve tenant rate slots") { [journal, key] client async throws -> Int64? in
            let rows = try await client.query(
                """
                UPDATE tenant_rate SET tat = greatest(tat, clock_timestamp()) + \(microseconds) * interval '1 microsecond'
                FROM (SELECT set_config('synchronous_commit', 'off', true)) AS unsynchronized
                WHERE tenant = \(key)
                RETURNING (extract(epoch FROM tat - clock_timestamp()) * 1000000)::bigint
                """, logger: journal.logger)
            for try await ahead in rows.decode(Int64.self) { return ahead }
            return nil
        }
        guard let ahead else {
            // The row went away (someone cleaned the table): make it again.
            try await insertRow()
            return try await reserve(count)
        }
        return Self.slots(count: count, interval: interval, endAhead: .microseconds(ahead), receivedAt: .now)
    }

    /// The instants of `count` slots spaced by `interval` that end `endAhead` after the server's now, on a clock
    /// whose time was `receivedAt` when the answer arrived (after the server's now: the slots land a little late,
    /// never early).
    static func slots(
        count: Int, interval: Duration, endAhead: Duration, receivedAt: ContinuousClock.Instant
    ) -> [ContinuousClock.Instant] {
        (0..<count).map { index in receivedAt + endAhead - interval * (count - index) }
    }

    private func insertRow() async throws(JournalError) {
        try await journal.retrying("create the tenant rate bucket") { [journal, key] client in
            try await client.query(
                "INSERT INTO tenant_rate (tenant) VALUES (\(key)) ON CONFLICT DO NOTHING", logger: journal.logger)
        }
    }

    /// A slot of this process's share: a held one at once, else after the next reservation.
    private func awaitSlot() async throws -> ContinuousClock.Instant {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ContinuousClock.Instant, any Error>) in
                let (arrival, cancelled) = state.withLock { state -> (TenantSlotBook.Arrival?, Bool) in
                    if Task.isCancelled { return (nil, true) }
                    let arrival = state.book.arrive(id: id, now: .now)
                    if case .wait = arrival { state.waiters[id] = continuation }
                    return (arrival, false)
                }
                switch arrival {
                case .slot(let slot)?: continuation.resume(returning: slot)
                case .wait(let reserve)?: if let reserve { startReservation(reserve) }
                case nil: if cancelled { continuation.resume(throwing: CancellationError()) }
                }
            }
        } onCancel: {
            let parked = state.withLock { state in
                state.book.cancel(id: id) ? state.waiters.removeValue(forKey: id) : nil
            }
            parked?.resume(throwing: CancellationError())
        }
    }

    /// Reserves `count` slots in a task of its own and hands them to the waiting requests.
    private func startReservation(_ count: Int) {
        Task {
            do {
                let slots = try await reserve(count)
                let (handed, next) = state.withLock { state in
                    let (handed, next) = state.book.reserved(slots, now: .now)
                    return (handed.compactMap { pair in state.waiters.removeValue(forKey: pair.id).map { ($0, pair.slot) } }, next)
                }
                for (continuation, slot) in handed { continuation.resume(returning: slot) }
                if let next { startReservation(next) }
            } catch {
                let failed = state.withLock { state in
                    state.book.reservationFailed().compactMap { state.waiters.removeValue(forKey: $0) }
                }
                for continuation in failed { continuation.resume(throwing: error) }
            }
        }
    }
}
