import CMOClient
import CMOJournal
import LuaKit

/// How one change ended, for the script: the record (as reported and journaled) plus the monitor and the
/// product the server sent.
struct ChangeResult: Sendable {
    var record: ChangeRecord
    var monitor: Monitor?
    /// The sub-product as the server last showed it (a sync answer, or a read).
    var product: JSONValue?

    var state: ChangeState { record.outcome }

    /// `cmo.set_status`'s table: `state`, `id`, `iccid`, `from`, `to`, `async`, `monitor`, `product`, `replayed`.
    func pushStatusOutcome(on stack: LuaStack) -> Int32 {
        var fields: [String: LuaValue] = [
            "state": .string(state.rawValue), "id": .string(record.productID), "to": .string(record.to ?? ""),
            "async": .boolean(record.async),
        ]
        if let iccid = record.iccid { fields["iccid"] = .string(iccid) }
        if let from = record.from { fields["from"] = .string(from) }
        if record.replayed { fields["replayed"] = .boolean(true) }
        return Self.push(fields, monitor: monitor, product: product, on: stack)
    }

    /// `cmo.patch`'s table: `state` (`completed` or `accepted`), `monitor`, `product`, `replayed`.
    func pushPatchResult(on stack: LuaStack) -> Int32 {
        var fields: [String: LuaValue] = ["state": .string(monitor?.state == .inProgress ? "accepted" : "completed")]
        if record.replayed { fields["replayed"] = .boolean(true) }
        return Self.push(fields, monitor: monitor, product: product, on: stack)
    }

    /// The registry field holding the prelude's outcome metatable (`Lua/prelude.lua`).
    static let outcomeMetatableKey = "cmo.outcome_meta"

    /// Pushes a result table: `fields`, plus `monitor` and `product`. Returns 1.
    ///
    /// The monitor and the product stay JSON text until the script reads them (the prelude's outcome metatable
    /// decodes them then): a script that keeps every outcome of a 10,000-SIM run would otherwise hold 10,000
    /// decoded sub-products (about 2.5 KiB each) or monitors (700 bytes).
    static func push(_ fields: [String: LuaValue], monitor: Monitor?, product: JSONValue?, on stack: LuaStack) -> Int32 {
        stack.push(LuaValue.object(fields))
        guard monitor != nil || product != nil else { return 1 }
        stack.pushRegistryField(outcomeMetatableKey)  // installed with the prelude, before any script runs
        if let product { stash(product.serialized(), in: "deferred", on: stack) }
        if let monitor { stash(monitor.outcomeJSONText, in: "deferred_monitor", on: stack) }
        stack.setMetatable(of: -2)
        return 1
    }

    /// With the outcome at -2 and the metatable on top: `metatable[table][outcome] = text`.
    private static func stash(_ text: String, in table: String, on stack: LuaStack) {
        stack.pushField(table, of: -1)
        stack.pushCopy(of: -3)
        stack.push(text)
        stack.rawSet(in: -3)
        stack.pop()
    }
}
