import CLua

extension LuaStack {
    /// The deepest nesting of tables that conversions accept.
    public static let maximumDepth = 200

    /// Pushes `value`: arrays as sequences marked as JSON arrays, objects as tables, `.null` as `json.null`.
    public func push(_ value: LuaValue) {
        switch value {
        case .nil: pushNil()
        case .null: pushNull()
        case .boolean(let b): push(b)
        case .integer(let i): push(i)
        case .number(let d): push(d)
        case .string(let s): push(s)
        case .bytes(let b): push(bytes: b)
        case .array(let items):
            pushArray(items) { push($0) }
        case .object(let fields):
            _ = reserve(3)
            pushTable(fields: Int32(clamping: fields.count))
            for (key, item) in fields {
                push(item)
                setField(key, in: -2)
            }
        }
    }

    /// Pushes a `json.array`-marked sequence of `items`, each pushed by `pushItem`.
    public func pushArray<Items: Collection>(_ items: Items, _ pushItem: (Items.Element) -> Void) {
        _ = reserve(3)
        pushArray(capacity: Int32(clamping: items.count))
        var index: Int64 = 1
        for item in items {
            pushItem(item)
            setIndex(index, in: -2)
            index += 1
        }
    }

    /// Copies the value at `index` out of Lua, following the table rules of ``LuaValue``.
    ///
    /// Throws for functions, threads, userdata other than `json.null`, cycles, tables whose keys are neither
    /// `1...n` nor all strings, keys that are not valid UTF-8, and nesting deeper than ``maximumDepth``.
    public func value(at index: Int32) throws(LuaConversionError) -> LuaValue {
        var path: [String] = []
        var visiting: Set<UnsafeRawPointer> = []
        return try value(at: lua_absindex(L, index), depth: 0, path: &path, visiting: &visiting)
    }

    private func value(
        at index: Int32, depth: Int, path: inout [String], visiting: inout Set<UnsafeRawPointer>
    ) throws(LuaConversionError) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(clua_tointegerx(L, index, nil)) }
            return .number(clua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            if let text = string(at: index) { return .string(text) }
            return .bytes(bytes(at: index) ?? [])
        case LUA_TTABLE:
            return try table(at: index, depth: depth, path: &path, visiting: &visiting)
        case LUA_TUSERDATA where isNull(at: index):
            return .null
        default:
            throw LuaConversionError("cannot convert a \(typeName(at: index))", path: Self.render(path))
        }
    }

    /// How a table is marked by `json.array()` / `json.object()`, if it is.
    func marker(of index: Int32) -> LuaValueShape? {
        guard lua_getmetatable(L, index) != 0 else { return nil }
        defer { pop() }
        let pointer = lua_topointer(L, -1)
        if pointer == state.anchors.arrayMarkerPointer { return .array }
        if pointer == state.anchors.objectMarkerPointer { return .object }
        return nil
    }

    private func table(
        at index: Int32, depth: Int, path: inout [String], visiting: inout Set<UnsafeRawPointer>
    ) throws(LuaConversionError) -> LuaValue {
        guard depth < Self.maximumDepth else {
            throw LuaConversionError("tables nested deeper than \(Self.maximumDepth)", path: Self.render(path))
        }
        guard let identity = lua_topointer(L, index) else { return .nil }
        guard visiting.insert(identity).inserted else {
            throw LuaConversionError("table contains a cycle", path: Self.render(path))
        }
        defer { visiting.remove(identity) }
        guard reserve(4) else { throw LuaConversionError("stack overflow", path: Self.render(path)) }

        let shape = marker(of: index)
        var count = 0
        var maxIndex: Int64 = 0
        var stringKeys = 0
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            count += 1
            if lua_type(L, -2) == LUA_TSTRING {
                stringKeys += 1
            } else if lua_isinteger(L, -2) != 0, case let key = clua_tointegerx(L, -2, nil), key >= 1 {
                maxIndex = max(maxIndex, key)
            } else {
                let key = describeKey(at: -2)
                pop(2)
                throw LuaConversionError("cannot convert a table with key \(key)", path: Self.render(path))
            }
            pop()
        }

        if count == 0 { return shape == .array ? .array([]) : .object([:]) }
        if stringKeys == 0, maxIndex == Int64(count), shape != .object {
            var items: [LuaValue] = []
            items.reserveCapacity(count)
            for i in 1...Int64(count) {
                lua_rawgeti(L, index, i)
                path.append("[\(i)]")
                defer { path.removeLast(); pop() }
                items.append(try value(at: lua_gettop(L), depth: depth + 1, path: &path, visiting: &visiting))
            }
            return .array(items)
        }
        if stringKeys == count || shape == .object {
            var fields: [String: LuaValue] = [:]
            fields.reserveCapacity(count)
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                let key: String
                if lua_type(L, -2) == LUA_TSTRING {
                    guard let text = string(at: -2) else {
                        pop(2)
                        throw LuaConversionError("table key is not valid UTF-8", path: Self.render(path))
                    }
                    key = text
                } else {
                    key = String(clua_tointegerx(L, -2, nil))
                }
                path.append(key)
                defer { path.removeLast() }
                do {
                    fields[key] = try value(at: lua_gettop(L), depth: depth + 1, path: &path, visiting: &visiting)
                } catch {
                    pop(2)
                    throw error
                }
                pop()
            }
            return .object(fields)
        }
        if stringKeys == 0 {
            throw LuaConversionError(
                "cannot convert a sparse array (\(count) items, highest index \(maxIndex))", path: Self.render(path))
        }
        throw LuaConversionError("cannot convert a table that mixes string and integer keys", path: Self.render(path))
    }

    private func describeKey(at index: Int32) -> String {
        switch lua_type(L, index) {
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return String(clua_tointegerx(L, index, nil)) }
            return String(clua_tonumberx(L, index, nil))
        case LUA_TBOOLEAN: return lua_toboolean(L, index) != 0 ? "true" : "false"
        default: return "of type \(typeName(at: index))"
        }
    }

    static func render(_ path: [String]) -> String {
        var text = ""
        for component in path {
            if component.hasPrefix("[") || text.isEmpty {
                text += component
            } else {
                text += "." + component
            }
        }
        return text
    }
}

/// The JSON shape a table is marked with.
enum LuaValueShape {
    case array
    case object
}
