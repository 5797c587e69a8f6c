import Foundation

/// What the scheduler persists per job between runs of the daemon.
public struct JobRecord: Sendable, Equatable, Codable {
    /// The job's name, the store's key.
    public var name: String
    /// Every scheduled fire up to this instant has been dealt with (run, skipped, dropped, or the
    /// job was first seen then). Catch-up looks for fires after it.
    public var scheduledThrough: Date?
    /// The scheduled fire time of the last run started.
    public var lastFireTime: Date?
    /// The run id of the last finished run.
    public var lastRunID: String?
    /// The exit code of the last finished run.
    public var lastExitCode: Int32?
    /// Whether the last finished run succeeded.
    public var lastSucceeded: Bool?
    /// When the last run finished.
    public var lastFinishedAt: Date?
    /// Failed runs since the last success.
    public var consecutiveFailures: Int
    /// Whether the job is paused after too many failures.
    public var paused: Bool

    public init(
        name: String,
        scheduledThrough: Date? = nil,
        lastFireTime: Date? = nil,
        lastRunID: String? = nil,
        lastExitCode: Int32? = nil,
        lastSucceeded: Bool? = nil,
        lastFinishedAt: Date? = nil,
        consecutiveFailures: Int = 0,
        paused: Bool = false
    ) {
        self.name = name
        self.scheduledThrough = scheduledThrough
        self.lastFireTime = lastFireTime
        self.lastRunID = lastRunID
        self.lastExitCode = lastExitCode
        self.lastSucceeded = lastSucceeded
        self.lastFinishedAt = lastFinishedAt
        self.consecutiveFailures = consecutiveFailures
        self.paused = paused
    }
}
