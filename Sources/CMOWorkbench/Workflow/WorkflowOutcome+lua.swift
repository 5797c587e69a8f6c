import CMOEngine
import CMOJournal
import LuaKit

extension WorkflowOutcome {
    /// The table `workbench.run` returns: `{ exit_code, changes = {...}, output, error, seconds,
    /// sim = { counts = {[id] = n}, statuses = {[id] = status} } }`; each change as the report writes it
    /// (`product_id`, `iccid`, `from`, `to`, `ops`, `async`, `monitor_id`, `outcome`, `error`, ...).
    var luaValue: LuaValue {
        var fields: [String: LuaValue] = [
            "exit_code": .integer(Int64(exitCode)),
            "changes": .array(changes.map(Self.luaValue)),
            "output": .string(output),
            "seconds": .number(simulatedSeconds),
            "clock_jumps": .integer(Int64(clockJumps)),
            "sim": .object([
                "counts": .object(counts.mapValues { .integer(Int64($0)) }),
                "statuses": .object(statuses.mapValues { .string($0) }),
            ]),
        ]
        if let error { fields["error"] = .string(error) }
        return .object(fields)
    }

    private static func luaValue(_ record: ChangeRecord) -> LuaValue {
        var fields: [String: LuaValue] = [
            "product_id": .string(record.productID), "ops": .string(record.ops), "async": .boolean(record.async),
            "outcome": .string(record.outcome.rawValue), "state": .string(record.outcome.rawValue),
            "replayed": .boolean(record.replayed),
        ]
        let optional: [(String, String?)] = [
            ("iccid", record.iccid), ("from", record.from), ("to", record.to), ("monitor_id", record.monitorID),
            ("error", record.error), ("correlation_id", record.correlationID),
        ]
        for (key, value) in optional {
            if let value { fields[key] = .string(value) }
        }
        return .object(fields)
    }
}
