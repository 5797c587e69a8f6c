import Foundation
import CMOClient
import LuaKit

extension CMOError: LuaErrorConvertible {
    /// `http`, `auth`, `network`, `timeout`, `outcome_unknown`, `decoding`, `monitor_failed`, `monitor_timeout`,
    /// `cancelled`, `configuration`, `rate_limited`.
    public var luaErrorKind: String {
        var name = ""
        for character in kind.description {
            if character.isUppercase {
                name += "_" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }

    /// One line: the title, the detail, then status and correlation id in brackets.
    public var luaErrorMessage: String {
        var text = title
        if let detail, detail != title { text += ": " + detail }
        var facts: [String] = []
        if let status { facts.append("HTTP \(status)") }
        if let correlationId { facts.append("correlation id \(correlationId)") }
        if !facts.isEmpty { text += " (" + facts.joined(separator: ", ") + ")" }
        return text
    }

    /// Whether the failed request may have left the SIM as it was, so reading it again and patching again if
    /// still needed is safe: server errors, lost connections, timeouts and unknown outcomes.
    var mayHaveChangedNothing: Bool {
        if kind == .outcomeUnknown || kind == .network || kind == .timeout { return true }
        if kind == .http, let status { return status >= 500 }
        return false
    }

    /// The report's reason for a failed change: kind, HTTP status, title and detail (the correlation id is
    /// reported apart).
    var reportText: String {
        var text = luaErrorKind
        if let status { text += " \(status)" }
        text += ": " + title
        if let detail, detail != title { text += ": " + detail }
        if let reason = monitor?.errorReason, reason != detail { text += " (\(reason))" }
        return text
    }

    public var luaErrorFields: [String: LuaValue] {
        var fields: [String: LuaValue] = ["retryable": .boolean(retryable), "attempts": .integer(Int64(attempts))]
        fields["title"] = .string(title)
        if let status { fields["status"] = .integer(Int64(status)) }
        if let detail { fields["detail"] = .string(detail) }
        if let type { fields["type"] = .string(type) }
        if let correlationId { fields["correlation_id"] = .string(correlationId) }
        if let traceId { fields["trace_id"] = .string(traceId) }
        if let request { fields["request"] = .string(request) }
        if let monitor { fields["monitor"] = monitor.luaValue }
        if let retryAfter { fields["retry_after"] = .number(retryAfter.seconds) }
        if let retryAt { fields["retry_at"] = .string(retryAt.formatted(.iso8601)) }
        if let errors = problem?.errors, !errors.isEmpty {
            fields["errors"] = .array(errors.map { entry in
                var item: [String: LuaValue] = ["message": .string(entry.message)]
                if let field = entry.field { item["field"] = .string(field) }
                return .object(item)
            })
        }
        if isConfigurationProblem { fields["configuration_problem"] = .boolean(true) }
        return fields
    }
}

extension Monitor {
    /// The monitor as a change's outcome keeps it: `id`, `state`, `href`, `sourceHref` and `reason` only (the
    /// server's echo of the request is left out; `cmo.await_monitor(id)` reads the whole monitor), as JSON text
    /// that the prelude decodes when the script reads `outcome.monitor`. Outcomes are kept by the thousand: a
    /// full monitor costs about 4 KiB of Lua tables, these five fields 700 bytes, their text 300.
    var outcomeJSONText: String {
        var members: [JSONObject.Member] = [("id", .string(id)), ("state", .string(state.description))]
        if let href { members.append(("href", .string(href))) }
        if let sourceHref { members.append(("sourceHref", .string(sourceHref))) }
        if let reason = errorReason { members.append(("reason", .string(reason))) }
        return JSONValue.object(JSONObject(members)).serialized()
    }

    /// The monitor as Lua sees it: the server's fields plus `id` and `state` (`InProgress`, `Completed`,
    /// `InError`).
    var luaValue: LuaValue {
        var fields: [String: LuaValue] = [:]
        if case .object(let members) = json {
            for member in members { fields[member.key] = LuaValue(member.value) }
        }
        fields["id"] = .string(id)
        fields["state"] = .string(state.description)
        if let href { fields["href"] = .string(href) }
        if let sourceHref { fields["sourceHref"] = .string(sourceHref) }
        if let reason = errorReason { fields["reason"] = .string(reason) }
        return .object(fields)
    }
}

extension LuaValue {
    /// A Lua copy of an API value.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .boolean(flag)
        case .int(let number): self = .integer(number)
        case .double(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map { LuaValue($0) })
        case .object(let members):
            var fields: [String: LuaValue] = [:]
            for member in members { fields[member.key] = LuaValue(member.value) }
            self = .object(fields)
        }
    }
}
