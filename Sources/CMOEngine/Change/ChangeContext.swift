import CMOClient
import LuaKit

/// What every change of a run shares: the API, the report and its guards, the journal, the statuses the run has
/// seen, and the run's settings.
struct ChangeContext: Sendable {
    let client: CMOClient
    let report: RunReport
    /// Stops the run when a guard trips.
    let control: LuaScheduler.Control
    /// The run's journal (`nil` with `--no-journal`).
    let journal: RunJournal?
    let known: KnownStatuses
    let dryRun: Bool
    /// How long a monitor is waited for unless the script says otherwise.
    let monitorTimeout: Duration
    /// A distributed run's worker: every status change tests the status it read.
    var testsEveryStatus = false

    /// Monitor ids a dry run hands out; `cmo.await_monitor` completes them at once.
    static let dryRunMonitorPrefix = "dry-run-"

    static func dryRunMonitor(iccid: String) -> Monitor {
        Monitor(id: dryRunMonitorPrefix + iccid, state: .inProgress)
    }
}

extension ChangePlan {
    /// The operations as JSON text, as the journal and the report show them.
    static func describe(_ ops: [JSONPatchOperation]) -> String {
        JSONValue.array(ops.map(\.json)).serialized()
    }
}
