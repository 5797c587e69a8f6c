import CLua
import CLuaShim

/// The stack of one Lua thread: typed pushes and reads for Swift code running on the state's task.
///
/// A `LuaStack` is a view, valid while the thread is alive and only on the state's task. Every push is made with
/// the memory cap lifted, so no Lua API call made from Swift can raise; reads never call metamethods.
public struct LuaStack {
    /// The thread whose stack this is.
    public let L: OpaquePointer
    /// The state the thread belongs to.
    public unowned(unsafe) let state: LuaState

    public init(_ L: OpaquePointer, _ state: LuaState) {
        self.L = L
        self.state = state
    }

    /// The index of the top slot (the number of values on the stack).
    public var top: Int32 {
        get { lua_gettop(L) }
        nonmutating set { lua_settop(L, newValue) }
    }

    /// Removes `n` values from the top.
    public func pop(_ n: Int32 = 1) { clua_pop(L, n) }

    /// Makes sure `n` more slots fit (allocating outside the memory cap).
    public func reserve(_ n: Int32) -> Bool { state.hostAllocations { lua_checkstack(L, n) != 0 } }

    /// The type of the value at `index`.
    public func type(at index: Int32) -> LuaType { LuaType(rawValue: lua_type(L, index)) ?? .none }

    /// The type name Lua's own messages use: a metatable's `__name` when it is a string, else the basic type.
    public func typeName(at index: Int32) -> String {
        let kind = type(at: index)
        if kind == .table || kind == .userdata, lua_getmetatable(L, index) != 0 {
            lua_pushstring(L, "__name")
            let found = lua_rawget(L, -2) == LUA_TSTRING ? string(at: -1) : nil
            pop(2)
            if let found { return found }
        }
        return kind.name
    }

    /// Whether the value at `index` is an integer (not a float).
    public func isInteger(at index: Int32) -> Bool { lua_isinteger(L, index) != 0 }

    /// The string at `index`, if the value is a string (numbers are not converted) and valid UTF-8.
    public func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let chars = clua_tolstring(L, index, &length) else { return nil }
        return chars.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            String(validating: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        }
    }

    /// The bytes of the string at `index`, if the value is a string.
    public func bytes(at index: Int32) -> [UInt8]? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let chars = clua_tolstring(L, index, &length) else { return nil }
        return chars.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            Array(UnsafeBufferPointer(start: bytes, count: length))
        }
    }

    /// Calls `body` with the bytes of the string at `index` without copying them.
    public func withBytes<T>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let chars = clua_tolstring(L, index, &length) else { return nil }
        return try chars.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            try body(UnsafeBufferPointer(start: bytes, count: length))
        }
    }

    /// `tostring(value)`, calling `__tostring` in protected mode; a failing `__tostring` gives its error text.
    public func describe(at index: Int32) -> String {
        state.hostAllocations {
            _ = luakit_protected_tostring(L, index)
        }
        defer { pop() }
        if let text = string(at: -1) { return text }
        return bytes(at: -1).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    /// Whether the value at `index` is `json.null`.
    public func isNull(at index: Int32) -> Bool {
        lua_type(L, index) == LUA_TUSERDATA && lua_touserdata(L, index) == state.anchors.nullPointer
    }

    // MARK: Pushing

    public func pushNil() { lua_pushnil(L) }
    public func pushNull() { lua_rawgeti(L, clua_registryindex(), lua_Integer(state.anchors.null)) }
    public func push(_ value: Bool) { lua_pushboolean(L, value ? 1 : 0) }
    public func push(_ value: Int64) { lua_pushinteger(L, value) }
    public func push(_ value: Int) { lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Double) { lua_pushnumber(L, value) }

    public func push(_ value: String) {
        state.hostAllocations {
            var value = value
            value.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
        }
    }

    public func push(bytes: UnsafeBufferPointer<UInt8>) {
        state.hostAllocations {
            bytes.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    public func push(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { push(bytes: $0) }
    }

    /// Pushes a copy of the value at `index`.
    public func pushCopy(of index: Int32) { lua_pushvalue(L, index) }

    /// Pushes a new table with room for `array` sequence items and `fields` other fields.
    public func pushTable(array: Int32 = 0, fields: Int32 = 0) {
        state.hostAllocations { lua_createtable(L, array, fields) }
    }

    /// Pushes a new table marked as a JSON array, so it stays an array when empty.
    public func pushArray(capacity: Int32 = 0) {
        pushTable(array: capacity)
        lua_rawgeti(L, clua_registryindex(), lua_Integer(state.anchors.arrayMarker))
        lua_setmetatable(L, -2)
    }

    /// Sets `table[key] = top` without metamethods and pops the value.
    public func setField(_ key: String, in table: Int32) {
        let table = lua_absindex(L, table)
        push(key)
        lua_rotate(L, -2, 1)
        state.hostAllocations { lua_rawset(L, table) }
    }

    /// Sets `table[index] = top` without metamethods and pops the value.
    public func setIndex(_ index: Int64, in table: Int32) {
        state.hostAllocations { lua_rawseti(L, table, index) }
    }

    /// Pushes `table[key]` without metamethods and returns its type.
    @discardableResult
    public func pushField(_ key: String, of table: Int32) -> LuaType {
        let table = lua_absindex(L, table)
        push(key)
        return LuaType(rawValue: lua_rawget(L, table)) ?? .none
    }

    /// Pushes the global `name` and returns its type (raw access: `_G` has no metatable in the sandbox).
    @discardableResult
    public func pushGlobal(_ name: String) -> LuaType {
        LuaType(rawValue: state.hostAllocations { lua_getglobal(L, name) }) ?? .none
    }

    /// Sets the global `name` to the value on top and pops it.
    public func setGlobal(_ name: String) {
        state.hostAllocations { lua_setglobal(L, name) }
    }

    /// Sets `table[key] = value` without metamethods, where the key is below the value on top; pops both.
    public func rawSet(in table: Int32) {
        let table = lua_absindex(L, table)
        state.hostAllocations { lua_rawset(L, table) }
    }

    /// Pops the table on top and makes it the metatable of the value at `index`.
    public func setMetatable(of index: Int32) {
        let index = lua_absindex(L, index)
        lua_setmetatable(L, index)
    }

    /// Pushes the registry's field `name` (a host's named slot) and returns its type.
    @discardableResult
    public func pushRegistryField(_ name: String) -> LuaType {
        LuaType(rawValue: state.hostAllocations { lua_getfield(L, clua_registryindex(), name) }) ?? .none
    }

    /// Pops the value on top into the registry's field `name`.
    public func setRegistryField(_ name: String) {
        state.hostAllocations { lua_setfield(L, clua_registryindex(), name) }
    }

    /// Pushes a registry value by reference.
    public func pushReference(_ reference: Int32) {
        lua_rawgeti(L, clua_registryindex(), lua_Integer(reference))
    }

    /// Pops the top value into the registry and returns its reference.
    public func makeReference() -> Int32 {
        state.hostAllocations { luaL_ref(L, clua_registryindex()) }
    }

    /// Releases a registry reference.
    public func releaseReference(_ reference: Int32) {
        luaL_unref(L, clua_registryindex(), reference)
    }

    /// Pushes an error value: a table with `kind`, `message`, `where` and `fields`, with the error metatable.
    public func pushError(kind: String, message: String, fields: [String: LuaValue] = [:], where place: String? = nil) {
        pushTable(fields: Int32(fields.count + 3))
        for (key, value) in fields {
            push(value)
            setField(key, in: -2)
        }
        push(kind)
        setField("kind", in: -2)
        push(message)
        setField("message", in: -2)
        if let place {
            push(place)
            setField("where", in: -2)
        }
        pushReference(state.anchors.errorMetatable)
        lua_setmetatable(L, -2)
    }

    /// `file:line:` of the nearest script function at or above `level` (skipping C functions such as `pcall`
    /// and the host's own chunks, whose names start with `(`), without the trailing space; empty when there is
    /// none. Error values carry it as `where`.
    public func scriptLocation(from level: Int32 = 1) -> String {
        var depth = level
        var probe = lua_Debug()
        while lua_getstack(L, depth, &probe) != 0 {
            let place = location(level: depth)
            if !place.isEmpty, !place.hasPrefix("(") { return place.hasSuffix(" ") ? String(place.dropLast()) : place }
            depth += 1
        }
        return ""
    }

    /// `file:line: ` of the Lua function `level` levels up the call stack, as `luaL_where` gives it
    /// (empty for a C function).
    public func location(level: Int32 = 1) -> String {
        state.hostAllocations { luaL_where(L, level) }
        defer { pop() }
        return string(at: -1) ?? ""
    }
}
