import CMOSchedule
import Foundation

/// The schedule the window shows: its file, its jobs, and the running daemon's view of each job.
public struct WatchedSchedule: Sendable {
    /// The schedule file's path, as shown.
    public var file: String
    public var jobs: [ScheduledJob]
    /// Each job's status as of a time (the daemon's ``ScheduleDaemon/status(now:)``).
    public var statuses: @Sendable (Date) async -> [JobStatus]

    public init(file: String, jobs: [ScheduledJob], statuses: @escaping @Sendable (Date) async -> [JobStatus]) {
        self.file = file
        self.jobs = jobs
        self.statuses = statuses
    }

    /// The schedule that `daemon` runs.
    public init(file: String, jobs: [ScheduledJob], daemon: ScheduleDaemon) {
        self.init(file: file, jobs: jobs) { now in await daemon.status(now: now) }
    }
}
