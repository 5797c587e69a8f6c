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
        return CMOOperations.pushResult(fields, monitor: monitor, product: product, on: stack)
    }
}

/// A SIM that another change got to first, or that stayed pending.
struct StatusConflict: LuaErrorConvertible, CustomStringConvertible {
    var message: String
    var luaErrorKind: String { "conflict" }
    var luaErrorMessage: String { message }
    var description: String { message }
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

    /// How many times `setStatus` reads and patches again after a failure that may have left nothing changed.
    static let convergenceAttempts = 4

    /// Reads the SIM, then changes its status unless it already has it (or `onlyIf` does not hold), then waits
    /// for the monitor of an async backend when `wait` is set. Records the change.
    ///
    /// It converges: when the PATCH fails in a way that may have changed nothing (a 5xx, a lost connection, an
    /// unknown outcome), it reads the SIM again and patches again only if still needed; a SIM found in a
    /// `PENDING_` state is watched until it settles. So a change is never sent twice to a SIM that has it.
    func setStatus(id: String, to target: String, onlyIf: String?, wait: Bool, timeout: Duration?) async throws
        -> StatusOutcome
    {
        let bundle = Backends.bundleID(id)
        let clock = ContinuousClock.now
        var record = ChangeRecord(
            productID: bundle, to: target, ops: Self.describe(ops: Self.statusOps(target: target, onlyIf: onlyIf)),
            async: Backends.isAsync(id: bundle), outcome: .failed, startedAt: Date(), seconds: 0)
        var outcome = StatusOutcome(state: "failed", id: bundle, to: target, async: record.async)
        func finish(_ result: ChangeRecord.Outcome, _ state: String) {
            record.outcome = result
            record.seconds = (ContinuousClock.now - clock).seconds
            outcome.state = state
            if let trip = report.record(record) { control.stop(.requested(trip)) }
        }
        var sent = false
        var attempt = 0
        while true {
            attempt += 1
            do {
                var sim = try await readStatusCarrier(bundle)
                if attempt == 1 {
                    record.iccid = sim.iccid
                    record.from = sim.status
                    outcome.iccid = sim.iccid
                    outcome.from = sim.status
                }
                if sent, sim.status?.hasPrefix("PENDING") == true {
                    sim = try await settle(bundle, deadline: clock + (timeout ?? monitorTimeout))
                }
                outcome.product = sim.json
                if sim.status == target {
                    finish(sent ? .changed : .unchanged, sent ? "changed" : "unchanged")
                    return outcome
                }
                if let onlyIf, sim.status != onlyIf {
                    if sent { throw StatusConflict(message: "'\(bundle)' is \(sim.status ?? "?") now, not \(onlyIf)") }
                    finish(.skipped, "skipped")
                    return outcome
                }
                if !sent { try reserve() }
                if dryRun {
                    if record.async { outcome.monitor = Self.dryRunMonitor(iccid: record.iccid ?? bundle) }
                    finish(.wouldChange, "would_change")
                    return outcome
                }
                sent = true
                switch try await client.patch(id: sim.id, ops: Self.statusOps(target: target, onlyIf: onlyIf)) {
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
                if sent, attempt < Self.convergenceAttempts, error.mayHaveChangedNothing {
                    try await Task.sleep(for: .milliseconds(200 * attempt))
                    continue
                }
                record.error = error.reportText
                record.correlationID = error.correlationId
                if let monitor = error.monitor { record.monitorID = monitor.id }
                finish(.failed, "failed")
                throw error
            } catch let error as StatusConflict {
                record.error = "conflict: \(error.message)"
                finish(.failed, "failed")
                throw error
            }
        }
    }

    /// The sub-product that carries a product's status (`-simCard`, or `-terminal` for satellite).
    struct StatusCarrier {
        var id: String
        var status: String?
        var iccid: String?
        var json: JSONValue?
    }

    private func readStatusCarrier(_ bundle: String) async throws(CMOError) -> StatusCarrier {
        let product = try await client.product(id: bundle)
        let carrier = Self.statusCarrier(of: product)
        return StatusCarrier(
            id: carrier?["id"]?.stringValue ?? bundle + "-simCard",
            status: carrier?["status"]?.stringValue ?? product["status"]?.stringValue,
            iccid: product.iccid ?? carrier?.characteristic("terminalSN")?.stringValue,
            json: carrier)
    }

    /// Reads the SIM until it leaves its `PENDING_` state (a change in flight, perhaps our own lost one).
    private func settle(_ bundle: String, deadline: ContinuousClock.Instant) async throws -> StatusCarrier {
        var interval = Duration.milliseconds(250)
        while true {
            let sim = try await readStatusCarrier(bundle)
            guard sim.status?.hasPrefix("PENDING") == true else { return sim }
            guard ContinuousClock.now < deadline else {
                throw StatusConflict(message: "'\(bundle)' is still \(sim.status ?? "pending") after waiting for it to settle")
            }
            try await Task.sleep(for: interval)
            interval = min(interval * 2, .seconds(5))
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
        let monitor: Monitor
        do {
            monitor = try await client.awaitMonitor(
                Monitor(id: id, state: .inProgress), timeout: timeout ?? monitorTimeout, interval: interval)
        } catch {
            if error.kind == .monitorFailed { report.settle(monitorID: id, outcome: .failed, error: error.reportText) }
            throw error
        }
        report.settle(monitorID: id, outcome: .changed)
        return monitor
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
        LuaResults { stack in pushResult(["state": .string(state)], monitor: monitor, product: product, on: stack) }
    }

    /// Pushes a result table: `fields`, plus `monitor` and `product` (pushed straight from its JSON, without an
    /// intermediate ``LuaValue``). Returns 1.
    static func pushResult(_ fields: [String: LuaValue], monitor: Monitor?, product: JSONValue?, on stack: LuaStack)
        -> Int32
    {
        var fields = fields
        if let monitor { fields["monitor"] = monitor.luaValue }
        stack.push(LuaValue.object(fields))
        if let product {
            stack.push(product)
            stack.setField("product", in: -2)
        }
        return 1
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    package var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
