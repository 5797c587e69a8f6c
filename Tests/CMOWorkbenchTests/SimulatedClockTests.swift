import CMOClient
import Foundation
import Synchronization
import Testing

@Suite("SimulatedClock")
struct SimulatedClockTests {
    @Test("sleepers wake in the order of their deadlines, and the time jumps to each")
    func order() async throws {
        // A quiet period long enough that a woken sleeper reads the time before the next jump, even on a machine
        // busy with other tests (the default, 300 µs, is for runs, where a late reader only sees a later time).
        let clock = SimulatedClock(quietPeriod: .milliseconds(500))
        let start = clock.now
        let woken = try await withThrowingTaskGroup(of: (Int, Duration).self) { group in
            for seconds in [30, 5, 60, 10] {
                group.addTask {
                    try await clock.sleep(for: .seconds(seconds))
                    return (seconds, clock.now - start)
                }
            }
            var order: [(Int, Duration)] = []
            for try await item in group { order.append(item) }
            return order
        }
        #expect(woken.map(\.0) == [5, 10, 30, 60])
        for (seconds, at) in woken { #expect(at == .seconds(seconds)) }
        #expect(clock.elapsed == .seconds(60))
    }

    @Test("deadlines within the resolution wake together, at the latest of them, never early")
    func resolution() async throws {
        let clock = SimulatedClock(resolution: .milliseconds(100))
        let start = clock.now
        let woken = try await withThrowingTaskGroup(of: Duration.self) { group in
            for milliseconds in [1_000, 1_050, 1_300] {
                group.addTask {
                    try await clock.sleep(for: .milliseconds(milliseconds))
                    return clock.now - start
                }
            }
            var times: [Duration] = []
            for try await time in group { times.append(time) }
            return times.sorted()
        }
        #expect(woken.count == 3)
        #expect(woken[0] >= .milliseconds(1_050) && woken[1] >= .milliseconds(1_050))
        #expect(woken[2] >= .milliseconds(1_300))
        #expect(clock.elapsed == .milliseconds(1_300))
    }

    @Test("the wall time moves with the virtual time")
    func wallTime() async throws {
        let clock = SimulatedClock(start: Date(timeIntervalSince1970: 1_000))
        try await clock.sleep(for: .seconds(90))
        #expect(clock.date == Date(timeIntervalSince1970: 1_090))
        #expect(clock.epochMilliseconds == 1_090_000)
    }

    @Test("a deadline already passed returns at once; advance(by:) wakes the sleepers due")
    func advance() async throws {
        let clock = SimulatedClock(quietPeriod: .seconds(3600))  // never moves by itself here
        try await clock.sleep(until: clock.now - .seconds(1))
        let deadline = clock.now + .seconds(5)
        let woken = Flag()
        let sleeper = Task {
            try await clock.sleep(until: deadline)
            woken.value.store(true, ordering: .sequentiallyConsistent)
        }
        while !woken.value.load(ordering: .sequentiallyConsistent) {
            clock.advance(by: .seconds(1))
            try await Task.sleep(for: .milliseconds(1))
        }
        try await sleeper.value
        #expect(clock.elapsed >= .seconds(5))
    }

    @Test("a cancelled sleeper throws CancellationError")
    func cancel() async throws {
        let clock = SimulatedClock(quietPeriod: .seconds(3600))
        let sleeper = Task { try await clock.sleep(for: .seconds(100)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.elapsed == .zero)
    }
}

/// A flag a task sets and the test reads.
final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
