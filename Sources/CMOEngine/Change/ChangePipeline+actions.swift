import CMOClient
import CMOJournal
import Foundation
import LuaKit

extension ChangePipeline {
    /// Reads the product and picks the sub-product the change targets: the status carrier for a status change,
    /// the named sub-product for a raw patch.
    @inline(never)
    func read() async -> ChangeMachine.Event {
        let bundle = request.bundleID
        let whole: JSONValue
        do {
            whole = try await context.client.product(id: bundle)
        } catch {
            return error.kind == .cancelled ? .stopped(error.message) : .readFailed(error)
        }
        let document: JSONValue
        switch request.plan {
        case .status: document = whole.statusCarrier ?? whole
        case .patch:
            document =
                whole.subProduct(id: CMOClient.subProductID(for: request.id, backends: context.client.configuration.backends))
                ?? whole
        }
        let status = document["status"]?.stringValue ?? whole.carrierStatus
        context.known.note(whole.carrierStatus, for: bundle)
        if let iccid = whole.iccidOrSerial { record.iccid = iccid }
        if !machine.sent { record.from = status }
        product = document
        return .read(status: status, document: document)
    }

    /// Claims a send slot (refused once the run drains after a signal), commits the intent, sends the PATCH.
    @inline(never)
    func send(_ ops: [JSONPatchOperation]) async -> ChangeMachine.Event {
        do {
            try context.report.beginSend()
        } catch {
            return .stopped(error.description)
        }
        defer { context.report.endSend() }
        if journaled.journal != nil {  // no call at all without a journal: its frame would stay with the change
            do {
                try await journaled.write(record, .intent)
            } catch {
                switch error.code {
                case .limitReached:
                    // A distributed run's --max-changes, reached by all its workers together: a guard, as here.
                    context.report.trip(error.message)
                    context.control.stop(.requested(error.message))
                    return .stopped(error.message)
                case .fenced:
                    // This worker lost the shard: the change is the next holder's, and nothing of it is journaled
                    // here (a failure row would tell the next holder it had ended). The shard's run stops.
                    context.journal?.noteLeaseLost()
                    context.control.stop(.requested(error.message))
                    return .stopped(error.message)
                default:
                    return .journalFailed(error)
                }
            }
            if let journal = context.journal, !journal.maySend {
                let reason = "the shard's lease ran out: the request was not sent"
                journal.noteLeaseLost()
                context.control.stop(.requested(reason))
                return .stopped(reason)
            }
        }
        context.known.note(nil, for: request.bundleID)
        do {
            // In a task of its own: the PATCH's frames are freed when it is answered, not kept while the change
            // waits for its monitor (see ChildTask).
            let client = context.client, id = request.id
            let answer = try await ChildTask.run { () async throws(CMOError) in try await client.patch(id: id, ops: ops) }.get()
            switch answer {
            case .completed(let sub):
                product = sub
                record.async = false
                if let iccid = sub.iccidOrSerial { record.iccid = iccid }
                httpStatus = 200
            case .accepted(let accepted):
                product = nil
                record.async = true
                record.monitorID = accepted.id
                monitor = accepted
                journaled.note(record, .accepted, httpStatus: 202)
            }
            return .answered(answer)
        } catch {
            return .sendFailed(error)
        }
    }

    /// Polls the monitor of an accepted change.
    @inline(never)
    func awaitMonitor(_ accepted: Monitor) async -> ChangeMachine.Event {
        monitor = accepted
        record.monitorID = accepted.id
        record.async = true
        if machine.setup.prior?.state == .accepted { try? await journaled.write(record, .accepted) }
        do {
            monitor = try await context.client.awaitMonitor(accepted, timeout: request.timeout ?? context.monitorTimeout)
            return .monitorEnded
        } catch {
            if error.kind == .cancelled { return .stopped(error.message) }
            return .monitorFailed(error)
        }
    }

    /// Records the end of the change and hands back its result.
    func finish(_ state: ChangeState, reason: String?) throws -> ChangeResult {
        let replayed = machine.setup.prior.map { $0.state.isSettled } ?? false
        record.replayed = replayed
        record.error = reason
        if state == .changed, let target = request.plan.targetStatus { context.known.note(target, for: request.bundleID) }
        if replayed, monitor == nil, let id = record.monitorID {
            let open = state == .wouldChange && record.async
            monitor = Monitor(id: id, state: open ? .inProgress : .completed)
        }
        if context.dryRun, state == .wouldChange { dryRunPreview() }
        journaled.note(record, state, httpStatus: httpStatus, sent: machine.requestWentOut)
        end(state)
        if state == .refused { throw ChangeRefused(message: reason ?? "refused") }
        return ChangeResult(record: record, monitor: monitor, product: product)
    }

    /// A dry run answers as the backend would: a monitor where it is asynchronous (a raw patch's result also
    /// drops the product, as a 202 has none), else, for a raw patch, the sub-product with the new status.
    private func dryRunPreview() {
        let rawPatch = if case .patch = request.plan { true } else { false }
        if record.async {
            guard monitor == nil || rawPatch else { return }
            let preview = ChangeContext.dryRunMonitor(iccid: record.iccid ?? request.bundleID)
            monitor = preview
            if rawPatch {
                record.monitorID = preview.id
                product = nil
            }
        } else if rawPatch, let target = request.plan.targetStatus, case .object(var members) = product ?? .null {
            members["status"] = .string(target)
            product = .object(members)
        }
    }

    /// Records a failure and returns the error the script sees.
    func fail(_ failure: ChangeMachine.Failure) -> any Error {
        switch failure {
        case .api(let error):
            record.error = error.reportText
            record.correlationID = error.correlationId
            if let failed = error.monitor { record.monitorID = failed.id }
            end(journaled.noteFailure(record, error, sent: machine.requestWentOut))
            return error
        case .conflict(let message):
            let error = StatusConflict(message: "'\(request.bundleID)' \(message)")
            record.error = "conflict: \(error.message)"
            journaled.note(record, .failed, sent: machine.requestWentOut)
            end(.failed)
            return error
        case .journal(let error):
            record.error = "journal: \(error.message)"
            end(.failed)
            return error
        }
    }

    /// Counts the change in the report (which may trip the failure-rate guard).
    private func end(_ state: ChangeState) {
        record.outcome = state
        record.seconds = (ContinuousClock.now - started).seconds
        if let trip = context.report.record(record) { context.control.stop(.requested(trip)) }
    }
}
