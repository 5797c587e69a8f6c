import Foundation
import GRDB

/// What the schedule daemon remembers of one job between restarts (table `schedule_job`), keyed by the schedule
/// file's absolute path and the job's name.
public struct ScheduleJobEntry: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "schedule_job"

    public var schedule: String
    public var name: String
    /// Every scheduled fire up to this instant was dealt with (run, skipped, dropped, or first seen then).
    public var scheduledThrough: Date?
    /// The scheduled fire time of the last run started.
    public var lastFireAt: Date?
    public var lastRunID: String?
    public var lastExitCode: Int32?
    public var lastSucceeded: Bool?
    public var lastFinishedAt: Date?
    /// Failed runs since the last success.
    public var consecutiveFailures: Int
    public var paused: Bool

    public init(
        schedule: String, name: String, scheduledThrough: Date? = nil, lastFireAt: Date? = nil,
        lastRunID: String? = nil, lastExitCode: Int32? = nil, lastSucceeded: Bool? = nil,
        lastFinishedAt: Date? = nil, consecutiveFailures: Int = 0, paused: Bool = false
    ) {
        self.schedule = schedule
        self.name = name
        self.scheduledThrough = scheduledThrough
        self.lastFireAt = lastFireAt
        self.lastRunID = lastRunID
        self.lastExitCode = lastExitCode
        self.lastSucceeded = lastSucceeded
        self.lastFinishedAt = lastFinishedAt
        self.consecutiveFailures = consecutiveFailures
        self.paused = paused
    }

    enum CodingKeys: String, CodingKey {
        case schedule, name, scheduledThrough = "scheduled_through", lastFireAt = "last_fire_at"
        case lastRunID = "last_run_id", lastExitCode = "last_exit_code", lastSucceeded = "last_succeeded"
        case lastFinishedAt = "last_finished_at", consecutiveFailures = "consecutive_failures", paused
    }
}
