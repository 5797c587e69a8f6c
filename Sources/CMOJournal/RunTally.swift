import Foundation

/// What the schedule daemon's `/metrics` needs of one run: who ran it, when, how it ended, and what it counted.
///
/// Read by row (``Journal/runTallies(after:limit:)``), so a watcher can add up new and newly finished runs without
/// reading the whole table again.
public struct RunTally: Sendable, Equatable {
    /// The row's SQLite rowid: rows of later runs have larger ones.
    public var rowID: Int64
    public var id: String
    /// The schedule job that started the run, nil for a run started by hand.
    public var job: String?
    public var startedAt: Date
    public var endedAt: Date?
    /// The exit code, once the run ended (nil: still running, or its process died).
    public var exitCode: Int32?
    /// Changes per outcome, as recorded at the run's end (empty before).
    public var counts: [String: Int]
    /// What the run's API client counted, recorded at its end (nil before, or without a client).
    public var api: RunAPICounts?

    public init(
        rowID: Int64, id: String, job: String?, startedAt: Date, endedAt: Date?, exitCode: Int32?,
        counts: [String: Int], api: RunAPICounts?
    ) {
        self.rowID = rowID
        self.id = id
        self.job = job
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.exitCode = exitCode
        self.counts = counts
        self.api = api
    }

    /// Whether the run's end is recorded.
    public var isFinished: Bool { exitCode != nil }
}
