import CMOClient
import Foundation
import LuaKit

/// What `cmo.set_status` (and `cmo.activate`, `cmo.suspend`) hands back to the script.
struct StatusOutcome: Sendable {
    var state: String
    var id: String
    var iccid: String?
    var from: String?
    var to: String
    var async: Bool
    var monitor: Monitor?
    var product: JSONValue?

    func push(on stack: LuaStack) -> Int32 {
        var fields: [String: LuaValue] = [
            "state": .string(state), "id": .string(id), "to": .string(to), "async": .boolean(async),
        ]
        if let iccid { fields["iccid"] = .string(iccid) }
        if let from { fields["from"] = .string(from) }
        if let monitor { fields["monitor"] = monitor.luaValue }
        if let product { fields["product"] = LuaValue(product) }
        stack.push(LuaValue.object(fields))
        return 1
    }
}

/// A guard stopped the run before this change.
struct GuardError: LuaErrorConvertible, CustomStringConvertible {
    var reason: String
    var luaErrorKind: String { "guard" }
    var luaErrorMessage: String { reason }
    var description: String { reason }
}

/// The API side of the `cmo` module: every network call of the bindings, the dry-run stand-ins, and the
/// report and guards around changes. Runs in the bindings' child tasks, so it is `Sendable`.
struct CMOOperations: Sendable {
    let client: CMOClient
    let report: RunReport
    let control: LuaScheduler.Control
    let dryRun: Bool
    let monitorTimeout: Duration

    /// Reads the SIM, then changes its status unless it already has it (or `onlyIf` does not hold), then waits
    /// for the monitor of an async backend when `wait` is set. Records the change.
    func setStatus(id: String, to target: String, onlyIf: String?, wait: Bool, timeout: Duration?) async throws
        -> StatusOutcome
    {
        let bundle = Backends.bundleID(id)
        let started = Date()
        let clock = ContinuousClock.now
        var record = ChangeRecord(
            productID: bundle, to: target, ops: Self.describe(ops: Self.statusOps(target: target, onlyIf: onlyIf)),
            async: Backends.isAsync(id: bundle), outcome: .failed, startedAt: started, seconds: 0)
        var outcome = StatusOutcome(state: "failed", id: bundle, to: target, async: record.async)
        func finish(_ result: ChangeRecord.Outcome, _ state: String) {
            record.outcome = result
            record.seconds = (ContinuousClock.now - clock).seconds
            outcome.state = state
            if let trip = report.record(record) { control.stop(.requested(trip)) }
        }
        do {
            let product = try await client.product(id: bundle)
            let carrier = Self.statusCarrier(of: product)
            let carrierID = carrier?["id"]?.stringValue ?? bundle + "-simCard"
            record.iccid = product.iccid ?? carrier?.characteristic("terminalSN")?.stringValue
            record.from = carrier?["status"]?.stringValue ?? product["status"]?.stringValue
            outcome.iccid = record.iccid
            outcome.from = record.from
            outcome.product = carrier
            if record.from == target {
                finish(.unchanged, "unchanged")
                return outcome
            }
            if let onlyIf, record.from != onlyIf {
                finish(.skipped, "skipped")
                return outcome
            }
            try reserve()
            if dryRun {
                if record.async { outcome.monitor = Self.dryRunMonitor(iccid: record.iccid ?? bundle) }
                finish(.wouldChange, "would_change")
                return outcome
            }
            switch try await client.patch(id: carrierID, ops: Self.statusOps(target: target, onlyIf: onlyIf)) {
            case .completed(let product):
                outcome.product = product
                outcome.async = false
                record.async = false
                finish(.changed, "changed")
            case .accepted(let monitor):
                record.async = true
                outcome.async = true
                record.monitorID = monitor.id
                outcome.monitor = monitor
                outcome.product = nil
                if wait {
                    outcome.monitor = try await client.awaitMonitor(monitor, timeout: timeout ?? monitorTimeout)
                    finish(.changed, "changed")
                } else {
                    finish(.accepted, "accepted")
                }
            }
            return outcome
        } catch let error as CMOError {
            record.error = error.reportText
            record.correlationID = error.correlationId
            if let monitor = error.monitor { record.monitorID = monitor.id }
            finish(.failed, "failed")
            throw error
        }
    }

    /// `cmo.patch`: sends `ops` (or, in a dry run, reads the sub-product and answers as the backend would).
    func patch(id: String, ops: [JSONPatchOperation], wait: Bool, timeout: Duration?) async throws -> LuaResults {
        let bundle = Backends.bundleID(id)
        let target = ops.last(where: { $0.op == .replace && $0.path == "/status" })?.value?.stringValue
        let clock = ContinuousClock.now
        var record = ChangeRecord(
            productID: bundle, to: target, ops: Self.describe(ops: ops), async: Backends.isAsync(id: bundle),
            outcome: .failed, startedAt: Date(), seconds: 0)
        func finish(_ result: ChangeRecord.Outcome) {
            record.outcome = result
            record.seconds = (ContinuousClock.now - clock).seconds
            if let trip = report.record(record) { control.stop(.requested(trip)) }
        }
        do {
            try reserve()
            if dryRun {
                let targetID = Self.subProductSuffixes.contains(where: id.hasSuffix) ? id : id + "-simCard"
                let product = try await client.product(id: bundle)
                var sim = Self.subProducts(of: product).first { $0["id"]?.stringValue == targetID } ?? .null
                record.iccid = product.iccid
                record.from = sim["status"]?.stringValue
                if let target, case .object(var members) = sim {
                    members["status"] = .string(target)
                    sim = .object(members)
                }
                finish(.wouldChange)
                if record.async {
                    let monitor = Self.dryRunMonitor(iccid: record.iccid ?? bundle)
                    return Self.results(state: "accepted", monitor: monitor, product: nil)
                }
                return Self.results(state: "completed", monitor: nil, product: sim)
            }
            switch try await client.patch(id: id, ops: ops) {
            case .completed(let product):
                record.iccid = product.iccid
                record.async = false
                finish(.changed)
                return Self.results(state: "completed", monitor: nil, product: product)
            case .accepted(let monitor):
                record.async = true
                record.monitorID = monitor.id
                record.iccid = monitor.id.split(separator: "-").first.map(String.init)
                if wait {
                    let final = try await client.awaitMonitor(monitor, timeout: timeout ?? monitorTimeout)
                    finish(.changed)
                    return Self.results(state: "completed", monitor: final, product: nil)
                }
                finish(.accepted)
                return Self.results(state: "accepted", monitor: monitor, product: nil)
            }
        } catch let error as CMOError {
            record.error = error.reportText
            record.correlationID = error.correlationId
            finish(.failed)
            throw error
        }
    }

    /// `cmo.await_monitor`: polls until Completed; a dry run's monitor completes at once.
    func awaitMonitor(id: String, timeout: Duration?, interval: Duration?) async throws -> Monitor {
        if id.hasPrefix(Self.dryRunMonitorPrefix) {
            return Monitor(id: id, state: .completed)
        }
        return try await client.awaitMonitor(
            Monitor(id: id, state: .inProgress), timeout: timeout ?? monitorTimeout, interval: interval)
    }

    /// Counts one more change against `--max-changes`; stops the run when it is refused.
    private func reserve() throws {
        do {
            try report.reserveChange()
        } catch {
            control.stop(.requested(error.description))
            throw GuardError(reason: error.description)
        }
    }

    static let dryRunMonitorPrefix = "dry-run-"
    static let subProductSuffixes = ["-simCard", "-dataConnectivity", "-usageVolume-data", "-terminal"]

    /// The sub-products of a bundle, from `productRelationship`.
    static func subProducts(of product: JSONValue) -> [JSONValue] {
        (product["productRelationship"]?.arrayValue ?? []).compactMap { $0["product"] }
    }

    /// The sub-product whose status a change sets: `-simCard` for cellular, `-terminal` for satellite.
    static func statusCarrier(of product: JSONValue) -> JSONValue? {
        product.bundledProduct(suffix: "simCard") ?? product.bundledProduct(suffix: "terminal")
    }

    static func dryRunMonitor(iccid: String) -> Monitor {
        Monitor(id: dryRunMonitorPrefix + iccid, state: .inProgress)
    }

    static func statusOps(target: String, onlyIf: String?) -> [JSONPatchOperation] {
        var ops: [JSONPatchOperation] = []
        if let onlyIf { ops.append(JSONPatchOperation(op: .test, path: "/status", value: .string(onlyIf))) }
        ops.append(JSONPatchOperation(op: .replace, path: "/status", value: .string(target)))
        return ops
    }

    static func describe(ops: [JSONPatchOperation]) -> String {
        JSONValue.array(ops.map(\.json)).serialized()
    }

    static func results(state: String, monitor: Monitor?, product: JSONValue?) -> LuaResults {
        LuaResults { stack in
            var fields: [String: LuaValue] = ["state": .string(state)]
            if let monitor { fields["monitor"] = monitor.luaValue }
            if let product { fields["product"] = LuaValue(product) }
            stack.push(LuaValue.object(fields))
            return 1
        }
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    package var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
