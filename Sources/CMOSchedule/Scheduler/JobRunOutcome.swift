/// What the launcher reports about one run of a job.
public struct JobRunOutcome: Sendable, Equatable {
    /// The run's id in the journal, when the run got far enough to have one.
    public var runID: String?
    /// The process exit code (or the equivalent for an in-process run).
    public var exitCode: Int32
    /// Whether the run counts as a success (resets the failure counter).
    public var succeeded: Bool
    /// Whether the run was stopped before its end (`cmo run`'s exit 4: a signal, its timeout, a guard). A run
    /// stopped while the daemon shuts down (the daemon's own SIGTERM, forwarded to it) is not counted as a
    /// failure: it did not fail, it was not let finish.
    public var stopped: Bool

    public init(runID: String?, exitCode: Int32, succeeded: Bool, stopped: Bool = false) {
        self.runID = runID
        self.exitCode = exitCode
        self.succeeded = succeeded
        self.stopped = stopped
    }
}
