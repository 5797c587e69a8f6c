import Foundation

/// One run for the daemon's launcher to start.
public struct FireLaunch: Sendable, Equatable {
    public var job: ScheduledJob
    /// The scheduled fire time the run is for.
    public var fireTime: Date
    /// The run's id, when the shared store chose it (the launcher makes one otherwise).
    public var runID: String?
    /// The run this one resumes (`cmo run --resume`): the run of a replica that died while running the fire.
    public var resuming: String?

    public init(job: ScheduledJob, fireTime: Date, runID: String? = nil, resuming: String? = nil) {
        self.job = job
        self.fireTime = fireTime
        self.runID = runID
        self.resuming = resuming
    }
}
