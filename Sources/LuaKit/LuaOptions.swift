import CLua

/// The option table of a call, read field by field with Lua's wording for wrong types:
/// `bad argument #1 to 'list' (field 'page_size': integer expected, got string)`.
///
/// Keys were checked against the allowed set when the options were read (``LuaCall/options(_:allowed:)``).
public struct LuaOptions {
    let call: LuaCall
    /// The argument position of the table.
    public let position: Int32
    /// Whether a table was given at all.
    public let present: Bool

    init(call: LuaCall, position: Int32, present: Bool) {
        self.call = call
        self.position = position
        self.present = present
    }

    private var stack: LuaStack { call.stack }

    /// Pushes the field (or nothing when the options are absent) and runs `read` with its type; pops it.
    private func field<T>(_ key: String, _ read: (LuaType) throws(LuaArgumentError) -> T?) throws(LuaArgumentError) -> T? {
        guard present else { return nil }
        let kind = stack.pushField(key, of: position)
        defer { stack.pop() }
        if kind == .nil { return nil }
        return try read(kind)
    }

    private func error(_ key: String, expected: String) -> LuaArgumentError {
        LuaArgumentError(
            position: position, message: "field '\(key)': \(expected) expected, got \(stack.typeName(at: -1))")
    }

    /// Whether the field is set (not nil).
    public func has(_ key: String) -> Bool {
        guard present else { return false }
        defer { stack.pop() }
        return stack.pushField(key, of: position) != .nil
    }

    public func string(_ key: String) throws(LuaArgumentError) -> String? {
        try field(key) { kind throws(LuaArgumentError) in
            guard kind == .string, let text = stack.string(at: -1) else { throw error(key, expected: "string") }
            return text
        }
    }

    public func integer(_ key: String) throws(LuaArgumentError) -> Int64? {
        try field(key) { kind throws(LuaArgumentError) in
            var exact: Int32 = 0
            guard kind == .number else { throw error(key, expected: "integer") }
            let value = clua_tointegerx(stack.L, -1, &exact)
            guard exact != 0 else {
                throw LuaArgumentError(position: position, message: "field '\(key)': number has no integer representation")
            }
            return value
        }
    }

    public func number(_ key: String) throws(LuaArgumentError) -> Double? {
        try field(key) { kind throws(LuaArgumentError) in
            guard kind == .number else { throw error(key, expected: "number") }
            return clua_tonumberx(stack.L, -1, nil)
        }
    }

    public func boolean(_ key: String) throws(LuaArgumentError) -> Bool? {
        try field(key) { kind throws(LuaArgumentError) in
            guard kind == .boolean else { throw error(key, expected: "boolean") }
            return lua_toboolean(stack.L, -1) != 0
        }
    }

    /// The field as a ``LuaValue`` (tables converted by the usual rules).
    public func value(_ key: String) throws(LuaArgumentError) -> LuaValue? {
        try field(key) { _ throws(LuaArgumentError) in
            do {
                return try stack.value(at: -1)
            } catch {
                throw LuaArgumentError(position: position, message: "field '\(key)': \(error)")
            }
        }
    }

    /// The field as an array of strings.
    public func strings(_ key: String) throws(LuaArgumentError) -> [String]? {
        guard let value = try value(key) else { return nil }
        guard case .array(let items) = value else {
            if case .object(let fields) = value, fields.isEmpty { return [] }
            throw LuaArgumentError(position: position, message: "field '\(key)': array of strings expected")
        }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw LuaArgumentError(position: position, message: "field '\(key)': array of strings expected")
            }
            strings.append(text)
        }
        return strings
    }

    /// Checks that the field, when set, has type `expected`; leaves nothing on the stack.
    public func check(_ key: String, is expected: LuaType) throws(LuaArgumentError) {
        _ = try field(key) { kind throws(LuaArgumentError) -> Bool? in
            guard kind == expected else { throw error(key, expected: expected.name) }
            return true
        }
    }
}
