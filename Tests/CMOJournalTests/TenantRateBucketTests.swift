import CMOTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import CMOJournal

/// The tenant-wide rate limit's bucket: the slot arithmetic and the book of one process's share without a database,
/// then reservations, pushes and takes on a real PostgreSQL database (two handles on it stand for two processes).
@Suite struct TenantRateBucketTests {
    static let interval = Duration.milliseconds(50)

    // MARK: The arithmetic

    @Test func reservedSlotsAreTheIntervalsBeforeTheNewTatOnTheLocalClock() {
        let received = ContinuousClock.now
        let slots = TenantRateBucket.slots(
            count: 4, interval: Self.interval, endAhead: .milliseconds(230), receivedAt: received)
        #expect(slots.map { $0 - received } == [.milliseconds(30), .milliseconds(80), .milliseconds(130), .milliseconds(180)])
    }

    @Test func aProcessKeepsATenthOfASecondsWorthOfSlotsAtLeastFourAtMostSixtyFour() {
        #expect(TenantRateBucket.defaultBatch(requestsPerSecond: 1) == 4)
        #expect(TenantRateBucket.defaultBatch(requestsPerSecond: 20) == 4)
        #expect(TenantRateBucket.defaultBatch(requestsPerSecond: 100) == 10)
        #expect(TenantRateBucket.defaultBatch(requestsPerSecond: 100_000) == 64)
    }

    // MARK: One process's share

    @Test func aLoneRequestReservesOneSlotAndManyReserveAFewAtATime() {
        var book = TenantSlotBook(maximumBatch: 4, interval: Self.interval)
        let now = ContinuousClock.now
        #expect(book.arrive(id: 0, now: now) == .wait(reserve: 1))
        let first = book.reserved([now], now: now)
        #expect(first.handed.map(\.id) == [0])
        #expect(first.reserve == nil)
        // Ten requests at once: the first's reservation (of one) is under way, the others wait for it.
        #expect(book.arrive(id: 1, now: now) == .wait(reserve: 1))
        for id in 2...10 { #expect(book.arrive(id: id, now: now) == .wait(reserve: nil)) }
        let second = book.reserved([now + Self.interval], now: now)
        #expect(second.handed.map(\.id) == [1])
        #expect(second.reserve == 2)  // outstanding: slot 0 and slot 1; room for two more
        let slots = (1...2).map { now + Self.interval * (1 + $0) }
        let third = book.reserved(slots, now: now)
        #expect(third.handed.map(\.id) == [2, 3])
        #expect(third.reserve == nil)  // four outstanding: none until half are spent
        #expect(book.outstanding == 4)
        #expect(book.spent(now).reserve == nil)  // three outstanding
        let spent = book.spent(now + Self.interval)
        #expect(spent.usable)
        #expect(spent.reserve == 2)  // two outstanding: two more for the seven waiting
        #expect(book.waiting == Array(4...10))
    }

    @Test func slotsLeftOverAreHeldAndHandedAtOnceUnlessStale() {
        var book = TenantSlotBook(maximumBatch: 4, interval: Self.interval)
        let now = ContinuousClock.now
        #expect(book.arrive(id: 0, now: now) == .wait(reserve: 1))
        let cancelled = book.cancel(id: 0)
        #expect(cancelled)
        let result = book.reserved([now + Self.interval], now: now)
        #expect(result.handed.isEmpty)
        #expect(book.held == [now + Self.interval])
        #expect(book.arrive(id: 1, now: now) == .slot(now + Self.interval))
        // A held slot more than an interval old is lost, not sent late into the next process's slot.
        #expect(book.arrive(id: 2, now: now) == .wait(reserve: 1))
        let cancelledToo = book.cancel(id: 2)
        #expect(cancelledToo)
        _ = book.reserved([now], now: now)
        #expect(book.outstanding == 2)
        #expect(book.arrive(id: 3, now: now + Self.interval * 3) == .wait(reserve: 1))
        #expect(book.held.isEmpty)
        #expect(book.outstanding == 1)
    }

    @Test func a429DropsTheSlotsItBlocksAndAFailedReservationFailsTheWaiting() {
        var book = TenantSlotBook(maximumBatch: 4, interval: Self.interval)
        let now = ContinuousClock.now
        #expect(book.arrive(id: 0, now: now) == .wait(reserve: 1))
        _ = book.reserved([now + Self.interval], now: now)
        book.block(until: now + .seconds(1))
        // The slot handed before the block is spent but not used: the request asks again.
        #expect(book.spent(now + Self.interval).usable == false)
        // Slots reserved before the push reached the bucket fall in the block and are dropped.
        #expect(book.arrive(id: 1, now: now) == .wait(reserve: 1))
        let late = book.reserved([now + Self.interval * 2], now: now)
        #expect(late.handed.isEmpty)
        #expect(late.reserve == 1)
        let after = book.reserved([now + .seconds(1)], now: now)
        #expect(after.handed.map(\.id) == [1])
        #expect(book.spent(now + .seconds(1)).usable)
        #expect(book.arrive(id: 2, now: now) == .wait(reserve: 1))
        #expect(book.arrive(id: 3, now: now) == .wait(reserve: nil))
        #expect(book.reservationFailed() == [2, 3])
        #expect(book.waiting.isEmpty)
    }

    // MARK: On PostgreSQL

    /// A fresh database of the test cluster, migrated, with `count` handles on it (as many processes would have).
    static func journals(_ count: Int) async throws -> [PostgresJournal] {
        let url = try PostgresTestCluster.shared().makeDatabase().absoluteString
        var journals: [PostgresJournal] = []
        for _ in 0..<count {
            journals.append(
                try await PostgresJournal.open(
                    PostgresLocation(url: url, environment: [:]), logger: Logger(label: "cmo.journal.test"),
                    maximumConnections: 2))
        }
        return journals
    }

    /// The bucket's `tat` in microseconds since the epoch, and how far it lies ahead of the server's clock.
    static func tat(_ journal: PostgresJournal, key: String) async throws -> (tat: Int64, ahead: Duration) {
        let rows = try await journal.pool.generation.client.query(
            """
            SELECT (extract(epoch FROM tat) * 1000000)::bigint, (extract(epoch FROM tat - clock_timestamp()) * 1000000)::bigint
            FROM tenant_rate WHERE tenant = \(key)
            """)
        for try await (tat, ahead) in rows.decode((Int64, Int64).self) { return (tat, .microseconds(ahead)) }
        throw JournalError(.storage, "no bucket \(key)")
    }

    @Test func twoProcessesReservationsFollowEachOtherSpacedByTheInterval() async throws {
        let journals = try await Self.journals(2)
        let key = "http://127.0.0.1:1/api/eos/ cmo-demo"
        // Two requests a second: four slots reach two seconds ahead, so the second process reserves behind them.
        let first = try await TenantRateBucket.open(journal: journals[0], key: key, requestsPerSecond: 2)
        let second = try await TenantRateBucket.open(journal: journals[1], key: key, requestsPerSecond: 2)
        #expect(first.interval == .milliseconds(500))
        let mine = try await first.reserve(4)
        let afterFirst = try await Self.tat(journals[0], key: key)
        let theirs = try await second.reserve(3)
        let afterSecond = try await Self.tat(journals[0], key: key)
        #expect(afterSecond.tat - afterFirst.tat == 1_500_000)  // exactly three intervals more
        #expect(zip(mine, mine.dropFirst()).allSatisfy { $1 - $0 == .milliseconds(500) })
        #expect(zip(theirs, theirs.dropFirst()).allSatisfy { $1 - $0 == .milliseconds(500) })
        #expect(theirs[0] > mine[3])
        for journal in journals { await journal.close() }
    }

    @Test func a429PushesTheBucketBackForTheOtherProcess() async throws {
        let journals = try await Self.journals(2)
        let key = "http://127.0.0.1:1/api/eos/ cmo-demo"
        let pushed = try await TenantRateBucket.open(journal: journals[0], key: key, requestsPerSecond: 20)
        let other = try await TenantRateBucket.open(journal: journals[1], key: key, requestsPerSecond: 20)
        try await pushed.pushBack(retryAfter: .seconds(30))
        let before = ContinuousClock.now
        let slots = try await other.reserve(2)
        #expect(slots.allSatisfy { $0 - before > .seconds(29) })
        #expect(try await Self.tat(journals[1], key: key).ahead > .seconds(29))
        // A push never brings the bucket forward.
        try await other.pushBack(retryAfter: .seconds(1))
        #expect(try await Self.tat(journals[1], key: key).ahead > .seconds(29))
        for journal in journals { await journal.close() }
    }

    /// Twelve concurrent takes each get a slot of their own: the bucket moved by at least twelve intervals. (How
    /// many more it moved depends on how late the takes came: a slot whose time passed unspent is not given twice.)
    @Test func concurrentTakesEachSpendASlotOfTheirOwn() async throws {
        let journals = try await Self.journals(1)
        let key = "http://127.0.0.1:1/api/eos/ takes"
        let bucket = try await TenantRateBucket.open(
            journal: journals[0], key: key, requestsPerSecond: 10, maximumBatch: 8)
        // The schedule starts ahead of the clock.
        try await journals[0].pool.generation.client.query(
            "UPDATE tenant_rate SET tat = clock_timestamp() + interval '200 milliseconds' WHERE tenant = \(key)")
        let start = try await Self.tat(journals[0], key: key).tat
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { try await bucket.take() } }
            try await group.waitForAll()
        }
        let end = try await Self.tat(journals[0], key: key).tat
        #expect(end - start >= 12 * 100_000)
        await journals[0].close()
    }
}
