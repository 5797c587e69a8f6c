import Foundation

/// One line of `cmo schedule status`: what a job last did and when it fires next.
public struct JobStatus: Sendable, Equatable {
    public var name: String
    /// The scheduled fire time of the last run started.
    public var lastFireTime: Date?
    public var lastRunID: String?
    public var lastExitCode: Int32?
    public var lastFinishedAt: Date?
    /// The next fire time, nil when paused or when the expression never matches.
    public var nextFireTime: Date?
    public var paused: Bool
    public var consecutiveFailures: Int
    /// Runs in flight (only known to a running daemon; 0 otherwise).
    public var running: Int

    /// The status of `job` from its stored `record` as of `now`.
    public init(job: ScheduledJob, record: JobRecord?, now: Date, running: Int = 0) {
        name = job.name
        lastFireTime = record?.lastFireTime
        lastRunID = record?.lastRunID
        lastExitCode = record?.lastExitCode
        lastFinishedAt = record?.lastFinishedAt
        paused = record?.paused ?? false
        consecutiveFailures = record?.consecutiveFailures ?? 0
        nextFireTime = paused ? nil : job.nextFire(after: now)
        self.running = running
    }

    /// The status of every job from `store`, for `cmo schedule status` without a running daemon.
    public static func report(for jobs: [ScheduledJob], store: any ScheduleStateStore, now: Date) async throws -> [JobStatus] {
        var statuses: [JobStatus] = []
        for job in jobs {
            statuses.append(JobStatus(job: job, record: try await store.load(job: job.name), now: now))
        }
        return statuses
    }
}
