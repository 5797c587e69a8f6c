import Foundation

/// Real time. Sleeps in slices of at most a minute and re-reads the wall clock after each, so a
/// suspended machine or a clock step does not make the scheduler oversleep. Sleeping is cancellable.
public struct SystemScheduleClock: ScheduleClock {
    /// The longest single sleep before the wall clock is checked again.
    public var maximumSlice: Duration

    public init(maximumSlice: Duration = .seconds(60)) {
        self.maximumSlice = maximumSlice
    }

    public func now() -> Date {
        Date()
    }

    public func sleep(until deadline: Date) async throws {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return }
            let slice = min(remaining, maximumSlice.seconds)
            try await Task.sleep(for: .milliseconds(Int64((slice * 1_000).rounded(.up))))
        }
    }
}
