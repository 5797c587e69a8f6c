import CMOSchedule
import Foundation

/// The journal of runs, their changes and the schedule daemon's state: one contract, two stores.
///
/// ``SQLiteJournal`` is the default, a file on one machine; ``PostgresJournal`` is for several processes or hosts
/// sharing one journal (schedule replicas, teams behind one tenant's rate limit). Both keep the same promises:
///
/// - A change's intent is committed (durably) before ``insert(_:)`` returns, so it exists before its request is
///   sent; `--resume` reads it back with ``latestChanges(rootID:)``.
/// - Writes queued "in background" (answers, monitor ends) are committed in order, without the caller waiting;
///   ``sync()`` waits for all of them, ``failedBackgroundWrites`` counts the ones that failed.
/// - Nothing secret is written: ids, statuses, operations, errors' texts and correlation ids.
public protocol Journal: AnyObject, Sendable {
    /// Where the journal is, for messages: a file's path, or a database URL without its password.
    var location: String { get }

    // MARK: Runs

    /// Records a run's start.
    func begin(_ run: RunEntry) async throws(JournalError)
    /// Records a run's end: its exit code, why it stopped, its counts by state and what its client counted.
    func finish(
        runID: String, exitCode: Int32, stopReason: String?, counts: [String: Int], api: RunAPICounts?, at date: Date
    ) async throws(JournalError)
    /// The run with this id, or the only one whose id starts with it.
    func run(_ idOrPrefix: String) async throws(JournalError) -> RunEntry
    /// The latest runs, newest first.
    func runs(limit: Int) async throws(JournalError) -> [RunEntry]
    /// A run's changes counted by state, from the change rows.
    func changeCounts(ofRun id: String) async throws(JournalError) -> [String: Int]
    /// For each failed run among `runs`, the id of a later run of its chain that finished it, if any.
    func finishers(of runs: [RunEntry]) async throws(JournalError) -> [String: String]

    // MARK: Changes

    /// Commits a change's intent; the change with its id.
    func insert(_ change: ChangeEntry) async throws(JournalError) -> ChangeEntry
    /// Commits a change's new state.
    func update(_ change: ChangeEntry) async throws(JournalError)
    /// Queues a change's insert without waiting for its commit.
    func insertInBackground(_ change: ChangeEntry)
    /// Queues a change's update without waiting for its commit.
    func updateInBackground(_ change: ChangeEntry)
    /// Queues the end of every accepted change of chain `rootID` that waits on `monitorID`.
    func settle(monitorID: String, rootID: String, state: ChangeEntry.State, error: String?, at date: Date)
    /// Waits until every write queued before this call is committed.
    func sync() async throws(JournalError)
    /// How many background writes failed.
    var failedBackgroundWrites: Int { get }
    /// A run's changes in the order they were journaled.
    func changes(ofRun runID: String) async throws(JournalError) -> [ChangeEntry]
    /// The latest change of chain `rootID` for each change key (what `--resume` starts from).
    func latestChanges(rootID: String) async throws(JournalError) -> [String: ChangeEntry]
    /// How many changes of a run are in `state` (and, when given, asynchronous, or answered).
    func count(ofRun runID: String, state: ChangeEntry.State, async: Bool?, answered: Bool?) async throws(JournalError) -> Int

    // MARK: The schedule daemon

    /// A job's record, nil when it has none yet.
    func scheduleJob(schedule: String, name: String) async throws(JournalError) -> JobRecord?
    /// Saves a job's record.
    func saveScheduleJob(_ record: JobRecord, schedule: String) async throws(JournalError)

    // MARK: Watching and retention

    /// Runs recorded after sequence number `rowID`, oldest first, at most `limit`.
    func runTallies(after rowID: Int64, limit: Int) async throws(JournalError) -> [RunTally]
    /// The runs with these sequence numbers (to see unfinished ones end).
    func runTallies(rowIDs: [Int64]) async throws(JournalError) -> [RunTally]
    /// Reads a row of each table: the journal answers (`/readyz`).
    func probe() async throws(JournalError)
    /// A run's changes, failures first, at most `limit`, and how many it has in all.
    func changesFailuresFirst(ofRun runID: String, limit: Int) async throws(JournalError) -> (changes: [ChangeEntry], total: Int)
    /// Deletes finished runs that ended before `cut`, with their changes (or counts them, `dryRun`).
    func prune(endedBefore cut: Date, dryRun: Bool) async throws(JournalError) -> JournalPruneResult

    /// Warnings about who else may read the journal (and its state directory, when `stateDirectory`).
    func privacyWarnings(stateDirectory: Bool) -> [String]
}

extension Journal {
    /// Records a run's end now.
    public func finish(
        runID: String, exitCode: Int32, stopReason: String?, counts: [String: Int], api: RunAPICounts? = nil
    ) async throws(JournalError) {
        try await finish(runID: runID, exitCode: exitCode, stopReason: stopReason, counts: counts, api: api, at: Date())
    }

    /// Queues the end of the accepted changes waiting on `monitorID`, now.
    public func settle(monitorID: String, rootID: String, state: ChangeEntry.State, error: String?) {
        settle(monitorID: monitorID, rootID: rootID, state: state, error: error, at: Date())
    }

    /// How many changes of a run are in `state`.
    public func count(ofRun runID: String, state: ChangeEntry.State) async throws(JournalError) -> Int {
        try await count(ofRun: runID, state: state, async: nil, answered: nil)
    }

    /// Deletes finished runs that ended before `cut`, with their changes.
    public func prune(endedBefore cut: Date) async throws(JournalError) -> JournalPruneResult {
        try await prune(endedBefore: cut, dryRun: false)
    }
}
