import CMOClient
import CMOJournal
import Foundation
import LuaKit

/// The API side of the `cmo` module: the changes (through ``ChangePipeline``), the monitor waits and the reads
/// that teach the run its SIMs' statuses. Runs in the bindings' child tasks, so it is `Sendable`.
struct CMOOperations: Sendable {
    let context: ChangeContext

    var client: CMOClient { context.client }

    init(
        client: CMOClient, report: RunReport, control: LuaScheduler.Control, dryRun: Bool, monitorTimeout: Duration,
        journal: RunJournal?, testsEveryStatus: Bool = false
    ) {
        context = ChangeContext(
            client: client, report: report, control: control, journal: journal, known: KnownStatuses(),
            dryRun: dryRun, monitorTimeout: monitorTimeout, testsEveryStatus: testsEveryStatus)
    }

    /// Runs one change (`cmo.set_status` and its short forms, `cmo.patch`) through ``ChangePipeline``.
    func change(_ request: ChangeRequest) async throws -> ChangeResult {
        try await ChangePipeline(request, in: context).run()
    }

    /// `cmo.product`: reads a product and remembers its status.
    func product(id: String) async throws(CMOError) -> JSONValue {
        let product = try await client.product(id: id)
        if let status = product.carrierStatus { context.known.note(status, for: BackendCatalogue.bundleID(id)) }
        return product
    }

    /// Remembers the status a listing row shows.
    func noteListed(_ product: JSONValue) {
        guard let id = product["id"]?.stringValue, let status = product.carrierStatus else { return }
        context.known.note(status, for: BackendCatalogue.bundleID(id))
    }

    /// `cmo.await_monitor`: polls until Completed; a dry run's monitor completes at once. Settles the report's and
    /// the journal's record of the change that the monitor belongs to.
    func awaitMonitor(id: String, timeout: Duration?, interval: Duration?) async throws -> Monitor {
        if id.hasPrefix(ChangeContext.dryRunMonitorPrefix) {
            return Monitor(id: id, state: .completed)
        }
        let monitor: Monitor
        do {
            monitor = try await client.awaitMonitor(
                Monitor(id: id, state: .inProgress), timeout: timeout ?? context.monitorTimeout, interval: interval)
        } catch {
            if error.kind == .monitorFailed {
                context.report.settle(monitorID: id, outcome: .failed, error: error.reportText)
                context.journal?.settle(monitorID: id, state: .failed, error: error.reportText)
            }
            throw error
        }
        context.report.settle(monitorID: id, outcome: .changed)
        context.journal?.settle(monitorID: id, state: .changed, error: nil)
        return monitor
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    package var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
