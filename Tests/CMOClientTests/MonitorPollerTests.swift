import Logging
import Synchronization
import Testing

@testable import CMOClient

/// The poller that serves every monitor wait: each waiter keeps its own schedule and ends as the monitor does.
/// The polls go to a scripted fetch on a simulated clock (the real path, against the simulator, is covered by the
/// change and load tests).
@Suite struct MonitorPollerTests {
    /// A fetch that answers each monitor id from a script of states, counting the polls.
    final class ScriptedMonitors: Sendable {
        let polls = Mutex<[String: Int]>([:])
        /// Polls under way now, and the most there ever were.
        let inFlight = Mutex((now: 0, most: 0))
        let retryAfter: Duration?
        let script: @Sendable (_ id: String, _ poll: Int) -> Monitor.State

        init(retryAfter: Duration? = nil, _ script: @escaping @Sendable (_ id: String, _ poll: Int) -> Monitor.State) {
            self.retryAfter = retryAfter
            self.script = script
        }

        func fetch(_ id: String) async -> (Monitor, Duration?) {
            let poll = polls.withLock { counts in
                counts[id, default: 0] += 1
                return counts[id]!
            }
            inFlight.withLock { $0 = (now: $0.now + 1, most: max($0.most, $0.now + 1)) }
            for _ in 0..<3 { await Task.yield() }  // a request takes a while: let other polls start meanwhile
            inFlight.withLock { $0.now -= 1 }
            let state = script(id, poll)
            return (Monitor(id: id, state: state, json: .object(JSONObject([("id", .string(id))]))), retryAfter)
        }

        func count(_ id: String) -> Int { polls.withLock { $0[id] ?? 0 } }
    }

    let polling = Configuration.MonitorPolling(
        initialInterval: .milliseconds(500), maximumInterval: .seconds(5), multiplier: 1.5)

    func poller(_ monitors: ScriptedMonitors, clock: any CMOClock, maxPolling: Int = 8) -> MonitorPoller {
        MonitorPoller(maxPolling: maxPolling, clock: clock, logger: Logger(label: "test")) { id, _ in
            await monitors.fetch(id)
        }
    }

    @Test func aThousandWaitersEachEndWhenTheirMonitorCompletes() async throws {
        // Monitor n completes at poll (n % 4) + 1: some at once, some after three waits.
        let monitors = ScriptedMonitors { id, poll in poll > Int(id)! % 4 ? .completed : .inProgress }
        let clock = SimulatedClock()
        let poller = poller(monitors, clock: clock)
        let ended = try await withThrowingTaskGroup(of: Monitor.self) { group in
            for n in 0..<1000 {
                group.addTask {
                    try await poller.wait(
                        for: Monitor(id: "\(n)", state: .inProgress), backend: nil, polling: polling,
                        timeout: .seconds(60))
                }
            }
            return try await group.reduce(into: [Monitor]()) { $0.append($1) }
        }
        #expect(ended.count == 1000)
        #expect(ended.allSatisfy { $0.state == .completed })
        for n in [0, 1, 2, 3, 998, 999] {
            #expect(monitors.count("\(n)") == n % 4 + 1, "monitor \(n)")
        }
        // Never more polls under way than the poller may have: the rest wait in its schedule, not in tasks.
        let most = monitors.inFlight.withLock { $0.most }
        #expect(most <= 8)
        #expect(most > 1)
    }

    @Test func aRetryAfterOfZeroPollsAgainAtOnceEvenWithNothingElseUnderWay() async throws {
        let monitors = ScriptedMonitors(retryAfter: .zero) { _, poll in poll < 5 ? .inProgress : .completed }
        let poller = poller(monitors, clock: SimulatedClock(), maxPolling: 1)
        let ended = try await poller.wait(
            for: Monitor(id: "z", state: .inProgress), backend: nil, polling: polling, timeout: .seconds(60))
        #expect(ended.state == .completed)
        #expect(monitors.count("z") == 5)
    }

    @Test func aMonitorInErrorEndsTheWaitWithMonitorFailed() async {
        let monitors = ScriptedMonitors { _, poll in poll < 2 ? .inProgress : .inError }
        let poller = poller(monitors, clock: SimulatedClock())
        await #expect(throws: CMOError.self) {
            _ = try await poller.wait(
                for: Monitor(id: "m", state: .inProgress), backend: nil, polling: polling, timeout: .seconds(60))
        }
        do {
            _ = try await poller.wait(
                for: Monitor(id: "n", state: .inProgress), backend: nil, polling: polling, timeout: .seconds(60))
            Issue.record("the wait should have failed")
        } catch {
            #expect(error.kind == .monitorFailed)
        }
        #expect(monitors.count("n") == 2)
    }

    @Test func aMonitorStillRunningAtTheDeadlineTimesOut() async {
        let monitors = ScriptedMonitors { _, _ in .inProgress }
        let clock = SimulatedClock()
        let poller = poller(monitors, clock: clock)
        let started = clock.now
        do {
            _ = try await poller.wait(
                for: Monitor(id: "slow", state: .inProgress), backend: nil, polling: polling, timeout: .seconds(10))
            Issue.record("the wait should have timed out")
        } catch {
            #expect(error.kind == .monitorTimeout)
        }
        // 0, 0.5, 1.25, 2.375, 4.0625, 6.59, then the last poll at the deadline.
        #expect(monitors.count("slow") == 7)
        #expect(clock.now - started >= .seconds(10))
    }

    @Test func aFinalMonitorHandedInNeedsNoPoll() async throws {
        let monitors = ScriptedMonitors { _, _ in .inProgress }
        let poller = poller(monitors, clock: SimulatedClock())
        let done = Monitor(id: "done", state: .completed, json: .object(JSONObject([("id", .string("done"))])))
        let ended = try await poller.wait(for: done, backend: nil, polling: polling, timeout: .seconds(10))
        #expect(ended.state == .completed)
        #expect(monitors.count("done") == 0)
    }

    @Test func aCancelledWaitEndsAsCancelledAndStopsPolling() async throws {
        let monitors = ScriptedMonitors { _, _ in .inProgress }
        let poller = poller(monitors, clock: SystemClock())
        let waiting = Task {
            try await poller.wait(
                for: Monitor(id: "c", state: .inProgress), backend: nil,
                polling: .init(initialInterval: .milliseconds(20), maximumInterval: .milliseconds(20), multiplier: 1),
                timeout: .seconds(60))
        }
        while monitors.count("c") < 3 { try await Task.sleep(for: .milliseconds(5)) }
        waiting.cancel()
        do {
            _ = try await waiting.value
            Issue.record("the wait should have been cancelled")
        } catch let error as CMOError {
            #expect(error.kind == .cancelled)
        }
        let after = monitors.count("c")
        try await Task.sleep(for: .milliseconds(100))
        #expect(monitors.count("c") <= after + 1)  // at most the poll that was already on its way
    }
}
