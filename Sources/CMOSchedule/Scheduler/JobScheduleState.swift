import Foundation

/// The overlap, queue and pause decisions for one job, as a pure state machine: events in,
/// actions out, no clock and no I/O. ``ScheduleDaemon`` carries the actions out.
struct JobScheduleState: Sendable, Equatable {
    /// What to do with a fire that is due.
    enum FireAction: Sendable, Equatable {
        /// Launch a run now.
        case start
        /// Hold the fire until the current run ends (overlap = queue).
        case enqueue
        /// Drop the fire.
        case skip(SkipReason)
    }

    /// What to do after a run ended.
    enum FinishAction: Sendable, Equatable {
        /// Nothing more.
        case none
        /// Launch the queued fire now.
        case startQueued(fireTime: Date)
        /// The job just reached its failure limit and is now paused; any queued fire was dropped.
        case pause(consecutiveFailures: Int, droppedQueuedFire: Date?)
    }

    let overlap: OverlapPolicy
    let pauseAfterFailures: Int?
    private(set) var running = 0
    private(set) var queuedFire: Date?
    private(set) var consecutiveFailures: Int
    private(set) var paused: Bool

    init(overlap: OverlapPolicy, pauseAfterFailures: Int?, consecutiveFailures: Int = 0, paused: Bool = false) {
        self.overlap = overlap
        self.pauseAfterFailures = pauseAfterFailures
        self.consecutiveFailures = consecutiveFailures
        self.paused = paused
    }

    /// A scheduled (or caught-up) fire is due.
    mutating func fireDue(at fireTime: Date) -> FireAction {
        if paused { return .skip(.paused) }
        guard running > 0 else {
            running += 1
            return .start
        }
        switch overlap {
        case .allow:
            running += 1
            return .start
        case .skip:
            return .skip(.stillRunning)
        case .queue:
            guard queuedFire == nil else { return .skip(.queueFull) }
            queuedFire = fireTime
            return .enqueue
        }
    }

    /// How a run ended, as far as the failure count is concerned.
    enum RunEnd: Sendable, Equatable {
        /// It succeeded: the failure count starts again.
        case succeeded
        /// It failed (or stopped on its own: a timeout, a guard): one more failure in a row.
        case failed
        /// The daemon's shutdown stopped it: neither a success nor a failure; the count stays.
        case stoppedByShutdown
    }

    /// A run ended, successfully or not.
    mutating func runFinished(success: Bool) -> FinishAction {
        runFinished(success ? .succeeded : .failed)
    }

    /// A run ended.
    mutating func runFinished(_ end: RunEnd) -> FinishAction {
        running = max(running - 1, 0)
        if end == .stoppedByShutdown { return .none }
        if end == .succeeded {
            consecutiveFailures = 0
        } else {
            consecutiveFailures += 1
            if let limit = pauseAfterFailures, consecutiveFailures >= limit, !paused {
                paused = true
                let dropped = queuedFire
                queuedFire = nil
                return .pause(consecutiveFailures: consecutiveFailures, droppedQueuedFire: dropped)
            }
        }
        if let fireTime = queuedFire, running == 0, !paused {
            queuedFire = nil
            running += 1
            return .startQueued(fireTime: fireTime)
        }
        return .none
    }

    /// The job was resumed by an operator: not paused, failure count cleared.
    mutating func resume() {
        paused = false
        consecutiveFailures = 0
    }

    /// The daemon is shutting down: forget the queued fire, returning it.
    mutating func stop() -> Date? {
        defer { queuedFire = nil }
        return queuedFire
    }
}
