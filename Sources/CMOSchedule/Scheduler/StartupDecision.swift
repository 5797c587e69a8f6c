import Foundation

/// What the daemon does about a job when it starts, given its stored record: the catch-up rule,
/// as a pure function of the job, the record and the time.
enum StartupDecision: Sendable, Equatable {
    /// No record: schedule from now, nothing is caught up.
    case firstSeen
    /// The job is paused; it does not fire or catch up.
    case paused
    /// No scheduled fire was missed.
    case upToDate
    /// Run once now for the most recent missed fire (catch_up = last, within the window).
    case catchUp(missedFire: Date)
    /// Fires were missed and are dropped (catch_up = none).
    case dropMissed(firstMissed: Date)
    /// Fires were missed but all are older than the catch-up window.
    case missedOutsideWindow(firstMissed: Date)

    init(job: ScheduledJob, record: JobRecord?, now: Date) {
        guard let record, let through = record.scheduledThrough else {
            self = .firstSeen
            return
        }
        if record.paused {
            self = .paused
            return
        }
        guard let firstMissed = job.nextFire(after: through), firstMissed <= now else {
            self = .upToDate
            return
        }
        guard job.catchUp == .last else {
            self = .dropMissed(firstMissed: firstMissed)
            return
        }
        // The latest fire in (through, now] that is no older than the window. Fire times are
        // whole seconds, so starting a millisecond early includes one exactly at the window's edge.
        let windowStart = now.addingTimeInterval(-job.catchUpWindow.seconds - 0.001)
        var cursor = max(through, windowStart)
        var latest: Date?
        while let fire = job.nextFire(after: cursor), fire <= now {
            latest = fire
            cursor = fire
        }
        if let latest {
            self = .catchUp(missedFire: latest)
        } else {
            self = .missedOutsideWindow(firstMissed: firstMissed)
        }
    }
}
