import CMOSimulator
import Synchronization
import Testing

@testable import CMOClient

@Suite struct LimitsTests {
    /// Tracks how many tasks are inside a section at once, and the most there ever were.
    final class Gauge: Sendable {
        let current = Atomic<Int>(0)
        let peak = Atomic<Int>(0)

        func enter() {
            let now = current.add(1, ordering: .relaxed).newValue
            peak.max(now, ordering: .relaxed)
        }

        func leave() {
            current.subtract(1, ordering: .relaxed)
        }
    }

    let t0 = ContinuousClock.now

    @Test func spacingHandsOutEvenStartTimes() {
        var spacing = RateSpacing(requestsPerSecond: 10)
        let starts = (0..<5).map { _ in spacing.reserve(now: t0) }
        #expect(starts == (0..<5).map { t0 + .milliseconds(100 * $0) })
        // After a quiet spell the next request starts at once.
        #expect(spacing.reserve(now: t0 + .seconds(10)) == t0 + .seconds(10))
    }

    @Test func gateAdmitsUpToTheLimitThenInArrivalOrder() {
        var gate = InFlightGate(limit: 2)
        #expect(gate.enter(id: 1) == .proceed)
        #expect(gate.enter(id: 2) == .proceed)
        #expect(gate.enter(id: 3) == .wait)
        #expect(gate.enter(id: 4) == .wait)
        #expect(gate.waiting == 2)
        #expect(gate.leave() == 3)
        let cancelled = gate.cancel(id: 4)
        #expect(cancelled)
        #expect(gate.leave() == nil)
        #expect(gate.inFlight == 1)
        let cancelledAgain = gate.cancel(id: 4)
        #expect(!cancelledAgain)
    }

    @Test func limiterNeverExceedsTheInFlightCap() async throws {
        let limiter = RequestLimiter(limits: .init(maxInFlight: 4))
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await limiter.acquire()
                    gauge.enter()
                    await Task.yield()
                    gauge.leave()
                    limiter.release()
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.peak.load(ordering: .relaxed) == 4)
        #expect(gauge.current.load(ordering: .relaxed) == 0)
    }

    @Test func pageCursorEndsOnAShortOrEmptyPage() {
        var cursor = PageCursor(pageSize: 10)
        #expect(cursor.take() == 1)
        cursor.received(count: 10)
        #expect(cursor.take() == 2)
        cursor.received(count: 3)
        #expect(cursor.take() == nil)

        var empty = PageCursor(pageSize: 10)
        #expect(empty.take() == 1)
        #expect(empty.take() == 2)  // prefetched ahead
        empty.received(count: 10)
        empty.received(count: 0)
        #expect(empty.take() == nil)
    }

    @Test func monitorPollingGrowsToTheMaximumAndStopsAtTheDeadline() {
        let polling = Configuration.MonitorPolling(
            initialInterval: .milliseconds(500), maximumInterval: .seconds(5), multiplier: 2)
        var machine = MonitorPollStateMachine(polling: polling, deadline: t0 + .seconds(20))
        var now = t0
        var waits: [Duration] = []
        while case .poll(let wait) = machine.polled(state: .inProgress, retryAfter: nil, now: now) {
            waits.append(wait)
            now += wait
        }
        #expect(
            waits == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5),
                .milliseconds(2500),
            ])
        #expect(machine.polled(state: .inProgress, retryAfter: nil, now: now) == .timedOut)
    }

    @Test func monitorPollingHonoursRetryAfterAndFinalStates() {
        var machine = MonitorPollStateMachine(polling: .init(), deadline: t0 + .seconds(60))
        #expect(machine.polled(state: .inProgress, retryAfter: .seconds(3), now: t0) == .poll(after: .seconds(3)))
        #expect(machine.polled(state: .other("Acknowledged?"), retryAfter: nil, now: t0) != .completed)
        #expect(machine.polled(state: .completed, retryAfter: nil, now: t0) == .completed)
        #expect(machine.polled(state: .inError, retryAfter: nil, now: t0 + .seconds(90)) == .failed)
    }

    @Test func cancelledRequestWaitingForASlotSendsNothing() async throws {
        // One slot, held by a request that waits on a slow simulator; a second, cancelled while queued, must not
        // reach the server.
        let config = SimulatorConfiguration(fleetSize: 10, seed: 2, latencyMilliseconds: 300)
        try await withSimulator(config, configure: { $0.limits.maxInFlight = 1 }) { sim, client in
            let id = sim.products[0].id
            let first = Task { try await client.product(id: id) }
            try await Task.sleep(for: .milliseconds(50))  // the first holds the slot for 600 ms (token + GET)
            let second = Task { try await client.product(id: id) }
            try await Task.sleep(for: .milliseconds(50))
            second.cancel()
            _ = try await first.value
            let outcome = await second.result
            guard case .failure(let error) = outcome, let error = error as? CMOError else {
                Issue.record("expected the cancelled request to fail")
                return
            }
            #expect(error.kind == .cancelled)
            #expect(client.statistics.requests == 1)
        }
    }
}
