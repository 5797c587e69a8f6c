import CMOClient
import LuaKit

extension LuaStack {
    /// Pushes an API value as Lua data: objects as tables, arrays as `json.array`-marked sequences, `null` as
    /// `json.null`, integers as integers.
    func push(_ json: JSONValue) {
        switch json {
        case .null: pushNull()
        case .bool(let flag): push(flag)
        case .int(let number): push(number)
        case .double(let number): push(number)
        case .string(let text): push(text)
        case .array(let items):
            pushArray(items) { push($0) }
        case .object(let members):
            _ = reserve(3)
            pushTable(fields: Int32(clamping: members.count))
            for member in members {
                push(member.value)
                setField(member.key, in: -2)
            }
        }
    }
}

extension JSONValue {
    /// The API form of a value copied out of Lua; `nil` (absent) becomes `null`.
    init(_ value: LuaValue) throws(LuaConversionError) {
        switch value {
        case .nil, .null: self = .null
        case .boolean(let flag): self = .bool(flag)
        case .integer(let number): self = .int(number)
        case .number(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .bytes: throw LuaConversionError("a string that is not valid UTF-8 cannot be sent")
        case .array(let items):
            var converted: [JSONValue] = []
            converted.reserveCapacity(items.count)
            for item in items { converted.append(try JSONValue(item)) }
            self = .array(converted)
        case .object(let fields):
            var members: [JSONObject.Member] = []
            for key in fields.keys.sorted() { members.append((key: key, value: try JSONValue(fields[key]!))) }
            self = .object(JSONObject(members))
        }
    }
}
