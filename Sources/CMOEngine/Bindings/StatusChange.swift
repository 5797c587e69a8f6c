import CMOClient
import CMOJournal
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

/// The run is stopping (a signal): this change was not sent.
struct RunStopping: LuaErrorConvertible, CustomStringConvertible {
    var reason: String
    var luaErrorKind: String { "stopped" }
    var luaErrorMessage: String { "not sent: \(reason)" }
    var description: String { luaErrorMessage }
}

/// The API side of the `cmo` module: every network call of the bindings, the dry-run stand-ins, and the
/// report and guards around changes. Runs in the bindings' child tasks, so it is `Sendable`.
struct CMOOperations: Sendable {
    let client: CMOClient
    let report: RunReport
    let control: LuaScheduler.Control
    let dryRun: Bool
    let monitorTimeout: Duration
    /// The run's journal (`nil` with `--no-journal`).
    let journal: RunJournal?

    /// How many times `setStatus` reads and patches again after a failure that may have left nothing changed.
    static let convergenceAttempts = 4

    /// Reads the SIM, then changes its status unless it already has it (or `onlyIf` does not hold), then waits
    /// for the monitor of an async backend when `wait` is set. Records the change in the report and the journal.
    ///
    /// It converges: when the PATCH fails in a way that may have changed nothing (a 5xx, a lost connection, an
    /// unknown outcome), it reads the SIM again and patches again only if still needed; a SIM found in a
    /// `PENDING_` state is watched until it settles. So a change is never sent twice to a SIM that has it.
    ///
    /// In a resumed run, a change the journal shows settled is handed back as recorded without a request, one
    /// whose monitor was in progress polls that monitor, and one whose request may have gone out is resolved by
    /// reading first, as after an ambiguous failure.
    func setStatus(id: String, to target: String, onlyIf: String?, wait: Bool, timeout: Duration?) async throws
        -> StatusOutcome
    {
        let bundle = Backends.bundleID(id)
        let clock = ContinuousClock.now
        let ops = Self.statusOps(target: target, onlyIf: onlyIf)
        var record = ChangeRecord(
            productID: bundle, to: target, ops: Self.describe(ops: ops), async: Backends.isAsync(id: bundle),
            outcome: .failed, startedAt: Date(), seconds: 0)
        var outcome = StatusOutcome(state: "failed", id: bundle, to: target, async: record.async)
        var change = JournaledChange(journal: journal, productID: bundle, ops: record.ops)
        func finish(_ result: ChangeRecord.Outcome) {
            record.outcome = result
            record.seconds = (ContinuousClock.now - clock).seconds
            outcome.state = result.rawValue
            if let trip = report.record(record) { control.stop(.requested(trip)) }
        }
        func fail(_ error: CMOError) {
            record.error = error.reportText
            record.correlationID = error.correlationId
            if let monitor = error.monitor { record.monitorID = monitor.id }
            change.noteFailure(record, error)
            finish(.failed)
        }
        var sent = false
        if let prior = change.prior {
            record.iccid = prior.iccid
            record.from = prior.fromStatus
            record.async = prior.async
            record.monitorID = prior.monitorID
            (outcome.iccid, outcome.from, outcome.async) = (prior.iccid, prior.fromStatus, prior.async)
            if prior.state.isSettled, let recorded = ChangeRecord.Outcome(prior.state) {
                record.replayed = true
                outcome.monitor = prior.monitorID.map { Monitor(id: $0, state: .completed) }
                change.note(record, prior.state, sent: false)
                finish(recorded)
                return outcome
            }
            if prior.state == .accepted, let monitorID = prior.monitorID {
                outcome.monitor = Monitor(id: monitorID, state: .inProgress)
                try? await change.write(record, .accepted)
                guard wait else {
                    finish(.accepted)
                    return outcome
                }
                do {
                    outcome.monitor = try await client.awaitMonitor(
                        Monitor(id: monitorID, state: .inProgress), timeout: timeout ?? monitorTimeout)
                } catch {
                    fail(error)
                    throw error
                }
                change.note(record, .changed)
                finish(.changed)
                return outcome
            }
            // An intent without an answer: the request may have arrived. Read first, as after a lost answer.
            sent = prior.state == .intent
        }
        var attempt = 0
        while true {
            attempt += 1
            do {
                var sim = try await readStatusCarrier(bundle)
                if record.from == nil {
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
                    let result: ChangeRecord.Outcome = sent ? .changed : .unchanged
                    change.note(record, sent ? .changed : .unchanged, sent: sent)
                    finish(result)
                    return outcome
                }
                if let onlyIf, sim.status != onlyIf {
                    if sent { throw StatusConflict(message: "'\(bundle)' is \(sim.status ?? "?") now, not \(onlyIf)") }
                    change.note(record, .skipped, sent: false)
                    finish(.skipped)
                    return outcome
                }
                if !sent { try reserve() }
                if dryRun {
                    if record.async { outcome.monitor = Self.dryRunMonitor(iccid: record.iccid ?? bundle) }
                    change.note(record, .wouldChange, sent: false)
                    finish(.wouldChange)
                    return outcome
                }
                let answer = try await send(sim.id, ops, record: record, change: &change)
                sent = true
                switch answer {
                case .completed(let product):
                    outcome.product = product
                    outcome.async = false
                    record.async = false
                    change.note(record, .changed, httpStatus: 200)
                    finish(.changed)
                case .accepted(let monitor):
                    record.async = true
                    outcome.async = true
                    record.monitorID = monitor.id
                    outcome.monitor = monitor
                    outcome.product = nil
                    change.note(record, .accepted, httpStatus: 202)
                    if wait {
                        outcome.monitor = try await client.awaitMonitor(monitor, timeout: timeout ?? monitorTimeout)
                        change.note(record, .changed)
                        finish(.changed)
                    } else {
                        finish(.accepted)
                    }
                }
                return outcome
            } catch let error as CMOError {
                if sent, attempt < Self.convergenceAttempts, error.mayHaveChangedNothing {
                    try await Task.sleep(for: .milliseconds(200 * attempt))
                    continue
                }
                fail(error)
                throw error
            } catch let error as StatusConflict {
                record.error = "conflict: \(error.message)"
                change.note(record, .failed)
                finish(.failed)
                throw error
            } catch let error as JournalError {
                record.error = "journal: \(error.message)"
                finish(.failed)
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
    /// Journaled like ``setStatus(id:to:onlyIf:wait:timeout:)``: in a resumed run a settled change is handed back
    /// as recorded (`replayed = true`, no `product`), an accepted one polls its monitor, and one whose request may
    /// have gone out is sent again only when reading the sub-product shows the operations do not hold yet.
    func patch(id: String, ops: [JSONPatchOperation], wait: Bool, timeout: Duration?) async throws -> LuaResults {
        let bundle = Backends.bundleID(id)
        let target = ops.last(where: { $0.op == .replace && $0.path == "/status" })?.value?.stringValue
        let clock = ContinuousClock.now
        var record = ChangeRecord(
            productID: bundle, to: target, ops: Self.describe(ops: ops), async: Backends.isAsync(id: bundle),
            outcome: .failed, startedAt: Date(), seconds: 0)
        var change = JournaledChange(journal: journal, productID: id, ops: record.ops)
        func finish(_ result: ChangeRecord.Outcome) {
            record.outcome = result
            record.seconds = (ContinuousClock.now - clock).seconds
            if let trip = report.record(record) { control.stop(.requested(trip)) }
        }
        func awaitAccepted(_ monitor: Monitor) async throws -> LuaResults {
            guard wait else {
                finish(.accepted)
                return Self.results(state: "accepted", monitor: monitor, product: nil)
            }
            let final = try await client.awaitMonitor(monitor, timeout: timeout ?? monitorTimeout)
            change.note(record, .changed)
            finish(.changed)
            return Self.results(state: "completed", monitor: final, product: nil)
        }
        do {
            if let prior = change.prior {
                record.iccid = prior.iccid
                record.from = prior.fromStatus
                record.async = prior.async
                record.monitorID = prior.monitorID
                if prior.state.isSettled, let recorded = ChangeRecord.Outcome(prior.state) {
                    record.replayed = true
                    change.note(record, prior.state, sent: false)
                    finish(recorded)
                    let accepted = prior.state == .wouldChange && prior.async
                    let monitor = prior.monitorID.map { Monitor(id: $0, state: accepted ? .inProgress : .completed) }
                    return Self.results(
                        state: accepted ? "accepted" : "completed", monitor: monitor, product: nil, replayed: true)
                }
                if prior.state == .accepted, let monitorID = prior.monitorID {
                    try? await change.write(record, .accepted)
                    return try await awaitAccepted(Monitor(id: monitorID, state: .inProgress))
                }
                if prior.state == .intent, let current = try await resolveIntent(id: id, bundle: bundle, ops: ops) {
                    change.note(record, .changed)
                    finish(.changed)
                    return Self.results(state: "completed", monitor: nil, product: current)
                }
            }
            try reserve()
            if dryRun {
                let targetID = CMOClient.subProductID(for: id)
                let product = try await client.product(id: bundle)
                var sim = Self.subProducts(of: product).first { $0["id"]?.stringValue == targetID } ?? .null
                record.iccid = product.iccid
                record.from = sim["status"]?.stringValue
                if let target, case .object(var members) = sim {
                    members["status"] = .string(target)
                    sim = .object(members)
                }
                if record.async { record.monitorID = Self.dryRunMonitor(iccid: record.iccid ?? bundle).id }
                change.note(record, .wouldChange, sent: false)
                finish(.wouldChange)
                if record.async {
                    let monitor = Self.dryRunMonitor(iccid: record.iccid ?? bundle)
                    return Self.results(state: "accepted", monitor: monitor, product: nil)
                }
                return Self.results(state: "completed", monitor: nil, product: sim)
            }
            switch try await send(id, ops, record: record, change: &change) {
            case .completed(let product):
                record.iccid = product.iccid
                record.async = false
                change.note(record, .changed, httpStatus: 200)
                finish(.changed)
                return Self.results(state: "completed", monitor: nil, product: product)
            case .accepted(let monitor):
                record.async = true
                record.monitorID = monitor.id
                record.iccid = monitor.id.split(separator: "-").first.map(String.init)
                change.note(record, .accepted, httpStatus: 202)
                return try await awaitAccepted(monitor)
            }
        } catch let error as CMOError {
            record.error = error.reportText
            record.correlationID = error.correlationId
            change.noteFailure(record, error)
            finish(.failed)
            throw error
        } catch let error as JournalError {
            record.error = "journal: \(error.message)"
            finish(.failed)
            throw error
        } catch let error as StatusConflict {
            record.error = "conflict: \(error.message)"
            change.note(record, .failed)
            finish(.failed)
            throw error
        }
    }

    /// For a change whose request may have reached the server: reads the targeted sub-product (waiting out a
    /// `PENDING_` status) and returns it when every `replace`/`add`/`remove` of `ops` already holds, or nil when
    /// the change still has to be sent.
    private func resolveIntent(id: String, bundle: String, ops: [JSONPatchOperation]) async throws -> JSONValue? {
        let targetID = CMOClient.subProductID(for: id)
        var deadline: ContinuousClock.Instant?
        while true {
            let product = try await client.product(id: bundle)
            let sub = Self.subProducts(of: product).first { $0["id"]?.stringValue == targetID } ?? product
            if sub["status"]?.stringValue?.hasPrefix("PENDING") == true {
                let end = deadline ?? ContinuousClock.now + monitorTimeout
                deadline = end
                guard ContinuousClock.now < end else {
                    throw StatusConflict(message: "'\(bundle)' is still pending after waiting for it to settle")
                }
                try await Task.sleep(for: .milliseconds(250))
                continue
            }
            // Not `holds ? sub : nil`: JSONValue is nil-literal expressible, so that would be `.null`, never nil.
            guard JSONPatchCheck.holds(ops, in: sub) else { return nil }
            return sub
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
            if error.kind == .monitorFailed {
                report.settle(monitorID: id, outcome: .failed, error: error.reportText)
                journal?.settle(monitorID: id, state: .failed, error: error.reportText)
            }
            throw error
        }
        report.settle(monitorID: id, outcome: .changed)
        journal?.settle(monitorID: id, state: .changed, error: nil)
        return monitor
    }

    /// Sends one change request: claims a send slot (refused once the run drains after a signal), commits the
    /// intent to the journal, then sends. The slot is free again when the answer, or the failure, is in.
    private func send(
        _ id: String, _ ops: [JSONPatchOperation], record: ChangeRecord, change: inout JournaledChange
    ) async throws -> PatchResult {
        do {
            try report.beginSend()
        } catch {
            throw RunStopping(reason: error.description)
        }
        defer { report.endSend() }
        try await change.write(record, .intent)
        return try await client.patch(id: id, ops: ops)
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

    static func results(state: String, monitor: Monitor?, product: JSONValue?, replayed: Bool = false) -> LuaResults {
        var fields: [String: LuaValue] = ["state": .string(state)]
        if replayed { fields["replayed"] = .boolean(true) }
        let fixed = fields
        return LuaResults { stack in pushResult(fixed, monitor: monitor, product: product, on: stack) }
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
