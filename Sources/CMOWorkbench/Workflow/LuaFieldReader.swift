import LuaKit

/// Reads the fields of an options table copied out of Lua, with Lua's own words for mistakes:
/// `field 'fleet.size': integer expected, got string`, `invalid option 'fleet.sise'`.
struct LuaFieldReader {
    let fields: [String: LuaValue]
    /// The path of this table in the argument (`fleet.`), for messages.
    let prefix: String
    let position: Int32

    /// A reader of `value`, which must be a table with only `allowed` keys (nil and an empty table read as empty).
    init(_ value: LuaValue, prefix: String = "", position: Int32 = 1, allowed: Set<String>) throws(LuaArgumentError) {
        self.prefix = prefix
        self.position = position
        switch value {
        case .nil: fields = [:]
        case .object(let object): fields = object
        case .array(let items) where items.isEmpty: fields = [:]
        default:
            let what = prefix.isEmpty ? "" : "field '\(prefix.dropLast())': "
            throw LuaArgumentError(position: position, message: "\(what)table expected, got \(Self.typeName(value))")
        }
        for key in fields.keys.sorted() where !allowed.contains(key) {
            throw LuaArgumentError(position: position, message: "invalid option '\(prefix)\(key)'")
        }
    }

    func error(_ key: String, expected: String) -> LuaArgumentError {
        LuaArgumentError(
            position: position,
            message: "field '\(prefix)\(key)': \(expected) expected, got \(Self.typeName(fields[key] ?? .nil))")
    }

    func string(_ key: String) throws(LuaArgumentError) -> String? {
        switch fields[key] ?? .nil {
        case .nil: return nil
        case .string(let text): return text
        default: throw error(key, expected: "string")
        }
    }

    func number(_ key: String) throws(LuaArgumentError) -> Double? {
        switch fields[key] ?? .nil {
        case .nil: return nil
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: throw error(key, expected: "number")
        }
    }

    func integer(_ key: String) throws(LuaArgumentError) -> Int? {
        let value = fields[key] ?? .nil
        if value == .nil { return nil }
        guard let integer = value.integerValue, let int = Int(exactly: integer) else {
            throw error(key, expected: "integer")
        }
        return int
    }

    /// A share in 0...1.
    func share(_ key: String) throws(LuaArgumentError) -> Double? {
        guard let value = try number(key) else { return nil }
        guard (0...1).contains(value) else {
            throw LuaArgumentError(position: position, message: "field '\(prefix)\(key)': must be between 0 and 1")
        }
        return value
    }

    func boolean(_ key: String) throws(LuaArgumentError) -> Bool? {
        switch fields[key] ?? .nil {
        case .nil: return nil
        case .boolean(let flag): return flag
        default: throw error(key, expected: "boolean")
        }
    }

    /// A table of strings by name; numbers and booleans are written as Lua's `tostring` would.
    func strings(_ key: String) throws(LuaArgumentError) -> [String: String] {
        let table: [String: LuaValue]
        switch fields[key] ?? .nil {
        case .nil: return [:]
        case .object(let object): table = object
        case .array(let items) where items.isEmpty: return [:]
        default: throw error(key, expected: "table")
        }
        var result: [String: String] = [:]
        for (name, value) in table {
            switch value {
            case .string(let text): result[name] = text
            case .integer(let number): result[name] = String(number)
            case .number(let number): result[name] = String(number)
            case .boolean(let flag): result[name] = String(flag)
            default:
                throw LuaArgumentError(
                    position: position,
                    message: "field '\(prefix)\(key).\(name)': string expected, got \(Self.typeName(value))")
            }
        }
        return result
    }

    /// A reader of the nested table `key`.
    func table(_ key: String, allowed: Set<String>) throws(LuaArgumentError) -> LuaFieldReader {
        try LuaFieldReader(fields[key] ?? .nil, prefix: "\(prefix)\(key).", position: position, allowed: allowed)
    }

    static func typeName(_ value: LuaValue) -> String {
        switch value {
        case .nil: "nil"
        case .null: "userdata"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string, .bytes: "string"
        case .array, .object: "table"
        }
    }
}
