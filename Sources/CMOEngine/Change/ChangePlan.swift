import CMOClient
import CMOJournal

/// What a change asks of the SIM: a status (`cmo.set_status` and its short forms) or raw JSON Patch operations
/// (`cmo.patch`). The plan decides, from what a read shows, whether there is anything to send.
enum ChangePlan: Sendable, Equatable {
    /// Set the status to `target`, only when the SIM is in `onlyIf` (if given).
    case status(target: String, onlyIf: String?)
    /// Send these operations as they are.
    case patch([JSONPatchOperation])

    /// The operations that name the change in the journal (its key) and the report: the same on every run of a
    /// resume chain, whatever the SIM's status was when it was read.
    var keyOps: [JSONPatchOperation] {
        switch self {
        case .status(let target, let onlyIf):
            var ops: [JSONPatchOperation] = []
            if let onlyIf { ops.append(JSONPatchOperation(op: .test, path: "/status", value: .string(onlyIf))) }
            ops.append(JSONPatchOperation(op: .replace, path: "/status", value: .string(target)))
            return ops
        case .patch(let ops):
            return ops
        }
    }

    /// The status the change sets, if it sets one.
    var targetStatus: String? {
        switch self {
        case .status(let target, _): target
        case .patch(let ops): ops.last(where: { $0.op == .replace && $0.path == "/status" })?.value?.stringValue
        }
    }

    /// What to do given the SIM as read (or as the run last saw it).
    enum Decision: Sendable, Equatable {
        /// Nothing to send: the change ends in this state (`changed` when an earlier request of ours did it).
        case done(ChangeState)
        /// The SIM moved under us: fail with this message.
        case conflict(String)
        /// Send these operations.
        case send([JSONPatchOperation])
    }

    /// Whether this is a raw patch that replaces `/status` without testing it first.
    var setsUntestedStatus: Bool {
        guard case .patch(let ops) = self else { return false }
        return ops.contains { $0.op == .replace && $0.path == "/status" } && !ops.contains { $0.op == .test && $0.path == "/status" }
    }

    /// Decides from the SIM's `status` (its carrier's) and, for a raw patch, the targeted sub-product `document`.
    /// `sent`: a request of ours may have been applied already. `testsStatus` (a distributed run's worker): a raw
    /// patch that sets `/status` untested is sent with a `test` of the status read first.
    func decide(status: String?, document: JSONValue?, sent: Bool, testsStatus: Bool = false) -> Decision {
        switch self {
        case .status(let target, let onlyIf):
            if status == target { return .done(sent ? .changed : .unchanged) }
            if let onlyIf, status != onlyIf {
                return sent ? .conflict("is \(status ?? "?") now, not \(onlyIf)") : .done(.skipped)
            }
            // The status just seen is tested, so a stale one fails with 409 instead of changing the SIM.
            var ops: [JSONPatchOperation] = []
            if let status { ops.append(JSONPatchOperation(op: .test, path: "/status", value: .string(status))) }
            ops.append(JSONPatchOperation(op: .replace, path: "/status", value: .string(target)))
            return .send(ops)
        case .patch(let ops):
            if sent, let document, JSONPatchCheck.holds(ops, in: document) { return .done(.changed) }
            let read = document?["status"]?.stringValue ?? status
            if testsStatus, setsUntestedStatus, let read {
                return .send([JSONPatchOperation(op: .test, path: "/status", value: .string(read))] + ops)
            }
            return .send(ops)
        }
    }
}
