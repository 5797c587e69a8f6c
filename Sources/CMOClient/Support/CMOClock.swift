import Foundation

/// Where the client, the engine and the simulator read the time and wait: the system's clocks in a run,
/// ``SimulatedClock`` in `cmo test`, where waits advance a virtual time instead of taking real time.
///
/// `now` is a monotonic instant (deadlines, back-off, pacing), `date` the wall time that goes with it (token
/// expiry dates, `cmo.now()`, the simulator's timestamps).
public protocol CMOClock: Sendable {
    /// The monotonic time now.
    var now: ContinuousClock.Instant { get }
    /// The wall time now.
    var date: Date { get }
    /// Returns at `deadline` (at once when it has passed); throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

extension CMOClock {
    /// Waits `duration` from now.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }

    /// The wall time in epoch milliseconds.
    public var epochMilliseconds: Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// The system's clocks: `ContinuousClock` and `Date()`, waits with `Task.sleep`.
public struct SystemClock: CMOClock {
    public init() {}

    public var now: ContinuousClock.Instant { ContinuousClock.now }
    public var date: Date { Date() }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}
