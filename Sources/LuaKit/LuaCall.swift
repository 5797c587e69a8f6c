import CLua

/// One call of a Swift function from Lua: its arguments, its stack, and the way to answer.
///
/// Argument readers throw ``LuaArgumentError`` with Lua's own wording (`string expected, got nil`), so the
/// script sees `file:line: bad argument #1 to 'product' (string expected, got nil)`.
public struct LuaCall {
    /// The calling thread's stack.
    public let stack: LuaStack
    /// The name the function was registered under.
    public let name: String
    /// How many arguments Lua passed.
    public let argumentCount: Int32
    let function: LuaFunctionBox

    init(L: OpaquePointer, function: LuaFunctionBox) {
        self.stack = LuaStack(L, function.state)
        self.name = function.name
        self.argumentCount = lua_gettop(L)
        self.function = function
    }

    /// The state the call runs in.
    public var state: LuaState { function.state }

    // MARK: Arguments

    /// The type of argument `position` (`.none` past the last one).
    public func type(_ position: Int32) -> LuaType { stack.type(at: position) }

    /// Whether argument `position` is absent or nil.
    public func isNoneOrNil(_ position: Int32) -> Bool {
        let kind = type(position)
        return kind == .none || kind == .nil
    }

    /// A ``LuaArgumentError`` for argument `position` saying `expected` was expected.
    public func typeError(_ position: Int32, expected: String) -> LuaArgumentError {
        LuaArgumentError(position: position, message: "\(expected) expected, got \(stack.typeName(at: position))")
    }

    /// Argument `position` as a UTF-8 string. Numbers are not converted: identifiers must be strings.
    public func string(_ position: Int32) throws(LuaArgumentError) -> String {
        guard type(position) == .string else { throw typeError(position, expected: "string") }
        guard let text = stack.string(at: position) else {
            throw LuaArgumentError(position: position, message: "string is not valid UTF-8")
        }
        return text
    }

    /// Argument `position` as a string, or `nil` when absent or nil.
    public func optionalString(_ position: Int32) throws(LuaArgumentError) -> String? {
        isNoneOrNil(position) ? nil : try string(position)
    }

    /// Argument `position` as raw bytes.
    public func bytes(_ position: Int32) throws(LuaArgumentError) -> [UInt8] {
        guard let bytes = stack.bytes(at: position) else { throw typeError(position, expected: "string") }
        return bytes
    }

    /// Argument `position` as an integer: an integer, or a float with an exact integer value.
    public func integer(_ position: Int32) throws(LuaArgumentError) -> Int64 {
        guard type(position) == .number else { throw typeError(position, expected: "number") }
        var exact: Int32 = 0
        let value = clua_tointegerx(stack.L, position, &exact)
        guard exact != 0 else {
            throw LuaArgumentError(position: position, message: "number has no integer representation")
        }
        return value
    }

    /// Argument `position` as an integer, or `nil` when absent or nil.
    public func optionalInteger(_ position: Int32) throws(LuaArgumentError) -> Int64? {
        isNoneOrNil(position) ? nil : try integer(position)
    }

    /// Argument `position` as a number.
    public func number(_ position: Int32) throws(LuaArgumentError) -> Double {
        guard type(position) == .number else { throw typeError(position, expected: "number") }
        return clua_tonumberx(stack.L, position, nil)
    }

    /// Argument `position` as a number, or `nil` when absent or nil.
    public func optionalNumber(_ position: Int32) throws(LuaArgumentError) -> Double? {
        isNoneOrNil(position) ? nil : try number(position)
    }

    /// Argument `position` as a boolean (strictly `true` or `false`).
    public func boolean(_ position: Int32) throws(LuaArgumentError) -> Bool {
        guard type(position) == .boolean else { throw typeError(position, expected: "boolean") }
        return lua_toboolean(stack.L, position) != 0
    }

    /// Checks that argument `position` has type `expected`.
    public func check(_ position: Int32, is expected: LuaType) throws(LuaArgumentError) {
        guard type(position) == expected else { throw typeError(position, expected: expected.name) }
    }

    /// Checks that argument `position` is present (any value, nil included).
    public func checkAny(_ position: Int32) throws(LuaArgumentError) {
        guard type(position) != .none else {
            throw LuaArgumentError(position: position, message: "value expected")
        }
    }

    /// Argument `position` copied out as a ``LuaValue``.
    public func value(_ position: Int32) throws(LuaArgumentError) -> LuaValue {
        do {
            return try stack.value(at: position)
        } catch {
            throw LuaArgumentError(position: position, message: error.description)
        }
    }

    /// Argument `position` as an option table whose keys must all be in `allowed`; absent or nil gives empty
    /// options. An unknown key raises `invalid option 'key'`.
    public func options(_ position: Int32, allowed: Set<String>) throws(LuaArgumentError) -> LuaOptions {
        if isNoneOrNil(position) { return LuaOptions(call: self, position: position, present: false) }
        guard type(position) == .table else { throw typeError(position, expected: "table") }
        let L = stack.L
        lua_pushnil(L)
        while lua_next(L, position) != 0 {
            defer { stack.pop() }
            guard let key = stack.string(at: -2) else {
                stack.pop(2)
                throw LuaArgumentError(position: position, message: "option names must be strings")
            }
            if !allowed.contains(key) {
                stack.pop(2)
                throw LuaArgumentError(position: position, message: "invalid option '\(key)'")
            }
        }
        return LuaOptions(call: self, position: position, present: true)
    }

    // MARK: Results

    /// Pushes `value` and returns one result.
    public func `return`(_ value: LuaValue) -> LuaReturn {
        stack.push(value)
        return .results(1)
    }

    /// Records asynchronous work for the scheduler and returns ``LuaReturn/yield``. When the work finishes,
    /// the thread resumes with its results as the function's results, or raises its error at the call site.
    ///
    /// Throws when Lua cannot yield here (inside a metamethod called from C, a `table.sort` comparator,
    /// a `string.gsub` callback, ...), with a message naming the function.
    public func suspend(_ work: LuaSuspension) throws -> LuaReturn {
        guard lua_isyieldable(stack.L) != 0 else {
            throw LuaRaisedError(
                "'\(name)' cannot wait here: attempt to yield across a C-call boundary "
                    + "(called from a metamethod, iterator or callback that Lua runs from C)")
        }
        var work = work
        work.location = stack.scriptLocation(from: 1)
        state.pendingSuspension = work
        return .yield
    }

    /// Pushes the error value or message for `error`, positioned at the caller.
    func pushError(_ error: any Error) {
        let place = stack.location(level: 1)
        switch error {
        case let error as LuaArgumentError:
            stack.push("\(place)bad argument #\(error.position) to '\(name)' (\(error.message))")
        case let error as LuaRaisedError:
            stack.push(place + error.message)
        case let error as any LuaErrorConvertible:
            let near = stack.scriptLocation(from: 1)
            stack.pushError(
                kind: error.luaErrorKind, message: error.luaErrorMessage, fields: error.luaErrorFields,
                where: near.isEmpty ? nil : near)
        default:
            stack.push(place + String(describing: error))
        }
    }
}
