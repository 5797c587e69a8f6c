import Foundation

/// Where the scheduler gets the time and how it waits, so tests can drive it with
/// ``ManualScheduleClock`` instead of real time.
public protocol ScheduleClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Returns at or after `deadline`, or throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}
