/// What the launcher reports about one run of a job.
public struct JobRunOutcome: Sendable, Equatable {
    /// The run's id in the journal, when the run got far enough to have one.
    public var runID: String?
    /// The process exit code (or the equivalent for an in-process run).
    public var exitCode: Int32
    /// Whether the run counts as a success (resets the failure counter).
    public var succeeded: Bool

    public init(runID: String?, exitCode: Int32, succeeded: Bool) {
        self.runID = runID
        self.exitCode = exitCode
        self.succeeded = succeeded
    }
}
