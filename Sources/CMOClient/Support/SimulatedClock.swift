import Foundation
import Synchronization

/// A virtual clock for tests (`cmo test`): waits take no real time. A sleeper registers its deadline; when no new
/// sleeper has arrived for a short real quiet period (everything that runs is waiting), the clock jumps to the
/// earliest deadline and wakes every sleeper due by then. So 60 s of monitor polling, async delays and retry
/// back-off pass in milliseconds, in the order real time would give them. Deadlines within `resolution` of the
/// earliest are woken together (at the latest of them): a sleeper may wake up to `resolution` late, never early,
/// and a thousand monitors polled a few milliseconds apart cost one jump instead of a thousand.
///
/// Work that takes real time (an HTTP exchange over loopback) still happens while the virtual time stands still,
/// unless it takes longer than the quiet period: then the time may move on meanwhile, as it would in a real run.
public final class SimulatedClock: CMOClock {
    private struct Sleeper {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var offset: Duration = .zero
        var sleepers: [UInt64: Sleeper] = [:]
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
        var activity: UInt64 = 0
        var driving = false
        var jumps = 0
    }

    private let origin: ContinuousClock.Instant
    private let originDate: Date
    private let quietPeriod: Duration
    private let resolution: Duration
    private let state = Mutex(State())

    /// A clock whose wall time starts at `start`; the time moves on after `quietPeriod` of real time without a new
    /// sleeper (default 0.3 ms), waking the sleepers due within `resolution` of the earliest (default 100 ms).
    public init(start: Date = Date(), quietPeriod: Duration = .microseconds(300), resolution: Duration = .milliseconds(100)) {
        origin = ContinuousClock.now
        originDate = start
        self.quietPeriod = quietPeriod
        self.resolution = resolution
    }

    public var now: ContinuousClock.Instant { origin + state.withLock { $0.offset } }

    public var date: Date {
        originDate.addingTimeInterval(Self.seconds(state.withLock { $0.offset }))
    }

    /// The virtual time passed since the clock was made.
    public var elapsed: Duration { state.withLock { $0.offset } }

    /// How many times the clock has jumped forward to a sleeper's deadline.
    public var jumps: Int { state.withLock { $0.jumps } }

    /// Moves the time forward by `duration` at once, waking the sleepers due by then.
    public func advance(by duration: Duration) {
        let due = state.withLock { state in
            state.offset += duration
            return Self.takeDue(&state, at: origin + state.offset)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try Task.checkCancellation()
        if deadline <= now {
            await Task.yield()
            return
        }
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                register(id, deadline: deadline, continuation)
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                state.cancelled.insert(id)
                return state.sleepers.removeValue(forKey: id)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    private enum Registration {
        case due, cancelled, waiting(startDriver: Bool)
    }

    private func register(
        _ id: UInt64, deadline: ContinuousClock.Instant, _ continuation: CheckedContinuation<Void, any Error>
    ) {
        let registration: Registration = state.withLock { state in
            if state.cancelled.remove(id) != nil { return .cancelled }
            if deadline <= origin + state.offset { return .due }
            state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
            state.activity &+= 1
            if state.driving { return .waiting(startDriver: false) }
            state.driving = true
            return .waiting(startDriver: true)
        }
        switch registration {
        case .due: continuation.resume()
        case .cancelled: continuation.resume(throwing: CancellationError())
        case .waiting(let startDriver):
            if startDriver { Task.detached { await self.drive() } }
        }
    }

    /// While anyone sleeps: wait a quiet period of real time; if no sleeper arrived meanwhile, jump to the earliest
    /// deadline and wake those due.
    private func drive() async {
        while true {
            let seen = state.withLock { $0.activity }
            try? await Task.sleep(for: quietPeriod)
            let due: [Sleeper]? = state.withLock { state in
                if state.sleepers.isEmpty {
                    state.driving = false
                    return nil
                }
                guard state.activity == seen, let earliest = state.sleepers.values.map(\.deadline).min() else {
                    return []
                }
                let batch = state.sleepers.values.map(\.deadline).filter { $0 <= earliest + resolution }.max() ?? earliest
                state.offset = max(state.offset, batch - origin)
                state.jumps += 1
                state.activity &+= 1
                return Self.takeDue(&state, at: origin + state.offset)
            }
            guard let due else { return }
            for sleeper in due { sleeper.continuation.resume() }
        }
    }

    private static func takeDue(_ state: inout State, at instant: ContinuousClock.Instant) -> [Sleeper] {
        let ids = state.sleepers.compactMap { id, sleeper in sleeper.deadline <= instant ? id : nil }
        return ids.compactMap { state.sleepers.removeValue(forKey: $0) }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
