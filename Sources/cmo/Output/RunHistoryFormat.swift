import CMOClient
import CMOJournal
import Foundation

/// How `cmo runs` prints runs and changes: text for people, JSON for tools.
enum RunHistoryFormat {
    static let unfinished = "-"

    /// A run as a JSON object (without its changes): `counts` so far for a run without an end, `resumed_by` the
    /// run that resumed it to the end.
    static func summary(_ item: RunHistory.Item) -> JSONObject {
        let run = item.run
        var object = JSONObject([
            ("id", .string(run.id)), ("root_id", .string(run.rootID)), ("script", .string(run.scriptPath)),
            ("script_hash", .string(run.scriptHash)), ("dry_run", .bool(run.dryRun)),
            ("started_at", .string(iso8601(run.startedAt))), ("pid", .int(Int64(run.pid))),
            ("vars", .object(JSONObject(run.vars.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))),
            ("inputs", .object(JSONObject(run.inputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.path)) }))),
            ("counts", .object(JSONObject(item.counts.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))),
        ])
        object["resumed_from"] = run.resumedFrom.map(JSONValue.string) ?? .null
        object["job"] = run.job.map(JSONValue.string) ?? .null
        object["ended_at"] = run.endedAt.map { .string(iso8601($0)) } ?? .null
        object["seconds"] = run.seconds.map(JSONValue.double) ?? .null
        object["exit_code"] = run.exitCode.map { .int(Int64($0)) } ?? .null
        object["stop_reason"] = run.stopReason.map(JSONValue.string) ?? .null
        object["resumed_by"] = item.resumedBy.map(JSONValue.string) ?? .null
        return object
    }

    /// The table of `cmo runs`.
    static func table(_ items: [RunHistory.Item]) -> String {
        let rows = items.map { item in
            let run = item.run
            return [
                run.id, shortPath(run.scriptPath) + (run.dryRun ? " (dry run)" : ""), time(run.startedAt),
                duration(run.seconds), counts(item.counts), run.exitCode.map(String.init) ?? unfinished,
                item.resumedBy ?? unfinished,
            ]
        }
        return TableRenderer.table(header: ["id", "script", "started", "took", "changes", "exit", "resumed by"], rows: rows)
    }

    /// Whether `cmo runs show` lists `change` without `--all`: it failed, or its request got no answer.
    static func isFailure(_ change: ChangeEntry) -> Bool {
        change.state == .failed || change.state == .intent && change.error != nil
    }

    /// A change as a JSON object.
    static func change(_ change: ChangeEntry) -> JSONValue {
        var object = JSONObject([
            ("product_id", .string(change.productID)), ("ops", .string(change.ops)),
            ("state", .string(change.state.rawValue)), ("async", .bool(change.async)),
            ("intent_at", .string(iso8601(change.intentAt))),
        ])
        let optional: [(String, String?)] = [
            ("iccid", change.iccid), ("from", change.fromStatus), ("to", change.toStatus),
            ("monitor_id", change.monitorID), ("error", change.error), ("correlation_id", change.correlationID),
            ("sent_at", change.sentAt.map(iso8601)), ("ended_at", change.endedAt.map(iso8601)),
        ]
        for (key, value) in optional { object[key] = value.map(JSONValue.string) ?? .null }
        object["http_status"] = change.httpStatus.map { .int(Int64($0)) } ?? .null
        return .object(object)
    }

    /// The text of `cmo runs show`.
    static func text(_ item: RunHistory.Item, changes: [ChangeEntry], listed: [ChangeEntry], all: Bool) -> String {
        let run = item.run
        let noEnd = item.resumedBy == nil ? "- (still running, or the process died: resume it)" : unfinished
        var lines = [
            "run \(run.id)\(run.dryRun ? " (dry run)" : "")",
            "  script     \(run.scriptPath)",
            "  started    \(time(run.startedAt))",
            "  took       \(duration(run.seconds))",
            "  exit       \(run.exitCode.map(String.init) ?? noEnd)",
        ]
        if let finisher = item.resumedBy { lines.append("  resumed by \(finisher) (to the end)") }
        if let resumed = run.resumedFrom { lines.append("  resumes    \(resumed)") }
        if let job = run.job { lines.append("  job        \(job)") }
        if !run.vars.isEmpty {
            lines.append("  vars       " + run.vars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        if let reason = run.stopReason { lines.append("  reason     \(reason)") }
        var states: [String: Int] = [:]
        for change in changes { states[change.state.rawValue, default: 0] += 1 }
        lines.append("  changes    " + (changes.isEmpty ? "none" : counts(states)))
        if !listed.isEmpty {
            lines.append(all ? "changes:" : "failed:")
            for change in listed { lines.append("  " + line(change)) }
        }
        return lines.joined(separator: "\n")
    }

    /// `ICCID 8949... ACTIVE -> SUSPENDED (failed): http 409: ... [correlation id ...]`.
    static func line(_ change: ChangeEntry) -> String {
        var text = change.iccid.map { "ICCID \($0)" } ?? change.productID
        text += " \(change.fromStatus ?? "?") -> \(change.toStatus ?? "?") (\(change.state.rawValue.replacingOccurrences(of: "_", with: " ")))"
        if let error = change.error { text += ": \(error)" }
        if let correlation = change.correlationID { text += " [correlation id \(correlation)]" }
        return text
    }

    /// `12 changed, 1 failed`: the known states in a fixed order, then any other in name order.
    static func counts(_ counts: [String: Int]) -> String {
        let order = ["changed", "unchanged", "skipped", "accepted", "would_change", "failed", "intent"]
        let keys = order + counts.keys.filter { !order.contains($0) }.sorted()
        let parts = keys.compactMap { key in counts[key].flatMap { $0 > 0 ? "\($0) \(key)" : nil } }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return unfinished }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }

    /// `2026-11-27 16:12:00Z`.
    static func time(_ date: Date) -> String {
        String(iso8601(date).prefix(19)).replacingOccurrences(of: "T", with: " ") + "Z"
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// The last two components of a path: enough to recognise a script in a table.
    static func shortPath(_ path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.suffix(2).joined(separator: "/")
    }

    static func json(_ value: JSONObject) -> String {
        JSONValue.object(value).serialized(pretty: true)
    }

    static func json(_ values: [JSONObject]) -> String {
        JSONValue.array(values.map(JSONValue.object)).serialized(pretty: true)
    }
}
