import CMOEngine

/// What a workflow run in a test gave: its exit code, every change record, what it printed, and the simulator's
/// view at the end.
public struct WorkflowOutcome: Sendable {
    /// `cmo run`'s exit code for this run.
    public var exitCode: Int32
    /// Every change the script made (or would have made), in the order they ended.
    public var changes: [ChangeRecord]
    /// The lines the script printed, joined with newlines.
    public var output: String
    /// Why the run did not succeed (message and traceback), if it did not.
    public var error: String?
    /// Status changes the simulator applied, per product id (products never changed are absent).
    public var counts: [String: Int]
    /// Every product's status at the end, by product id.
    public var statuses: [String: String]
    /// Simulated seconds the run took.
    public var simulatedSeconds: Double
    /// How many times the simulated clock jumped to a waiter's deadline.
    public var clockJumps: Int = 0

    public init(
        exitCode: Int32, changes: [ChangeRecord], output: String, error: String?, counts: [String: Int],
        statuses: [String: String], simulatedSeconds: Double
    ) {
        self.exitCode = exitCode
        self.changes = changes
        self.output = output
        self.error = error
        self.counts = counts
        self.statuses = statuses
        self.simulatedSeconds = simulatedSeconds
    }
}
