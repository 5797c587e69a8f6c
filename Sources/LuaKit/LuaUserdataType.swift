import CLua

/// A kind of host object that Lua holds as a handle: a full userdata with a metatable named ``name``
/// (`__name`), methods (`__index`), `__tostring`, `__gc` and `__close`.
///
/// A handle keeps its Swift object alive until Lua collects it. After `__close` (a `<close>` variable going out
/// of scope) the handle is dead: its methods raise `attempt to use a closed <name>`.
public struct LuaUserdataType<Object: AnyObject> {
    /// The metatable's name, used in messages (`task expected, got nil`).
    public let name: String
    /// Methods, called as `handle:method(...)`; the object is argument 1.
    public var methods: [String: (inout LuaCall, Object) throws -> LuaReturn]
    /// `tostring(handle)`.
    public var describe: (Object) -> String
    /// Called by `__close`, before the handle dies.
    public var close: ((Object) -> Void)?
    /// Called by `__gc` when Lua collects the handle (unless it was closed).
    public var collect: ((Object) -> Void)?

    public init(
        name: String,
        methods: [String: (inout LuaCall, Object) throws -> LuaReturn] = [:],
        describe: @escaping (Object) -> String,
        close: ((Object) -> Void)? = nil,
        collect: ((Object) -> Void)? = nil
    ) {
        self.name = name
        self.methods = methods
        self.describe = describe
        self.close = close
        self.collect = collect
    }
}

/// The memory of a handle: the retained object, or nil once closed or collected.
private struct LuaHandleSlot {
    var object: UnsafeMutableRawPointer?
}

extension LuaState {
    /// Creates the metatable of `type` in the registry (once per state).
    public func define<Object: AnyObject>(_ type: LuaUserdataType<Object>) {
        let stack = self.stack
        guard hostAllocations({ luaL_newmetatable(L, type.name) }) != 0 else {
            stack.pop()
            return
        }
        let name = type.name
        stack.pushTable(fields: Int32(type.methods.count))
        for (method, body) in type.methods.sorted(by: { $0.key < $1.key }) {
            pushFunction(method) { call in
                let object = try call.object(1, as: type)
                return try body(&call, object)
            }
            stack.setField(method, in: -2)
        }
        stack.setField("__index", in: -2)
        pushFunction("__tostring") { call in
            guard let slot = call.handleSlot(1, named: name) else { throw call.typeError(1, expected: name) }
            guard let object = slot.pointee.object else {
                call.stack.push("\(name) (closed)")
                return .results(1)
            }
            call.stack.push(type.describe(Unmanaged<Object>.fromOpaque(object).takeUnretainedValue()))
            return .results(1)
        }
        stack.setField("__tostring", in: -2)
        pushFunction("__gc") { call in
            guard let slot = call.handleSlot(1, named: name), let object = slot.pointee.object else { return .none }
            slot.pointee.object = nil
            let unmanaged = Unmanaged<Object>.fromOpaque(object)
            type.collect?(unmanaged.takeUnretainedValue())
            unmanaged.release()
            return .none
        }
        stack.setField("__gc", in: -2)
        pushFunction("__close") { call in
            guard let slot = call.handleSlot(1, named: name), let object = slot.pointee.object else { return .none }
            slot.pointee.object = nil
            let unmanaged = Unmanaged<Object>.fromOpaque(object)
            type.close?(unmanaged.takeUnretainedValue())
            unmanaged.release()
            return .none
        }
        stack.setField("__close", in: -2)
        stack.pop()
    }
}

extension LuaStack {
    /// Pushes a handle for `object` (retained until collected or closed). The type must be defined.
    public func push<Object: AnyObject>(_ object: Object, as type: LuaUserdataType<Object>) {
        state.hostAllocations {
            let memory = clua_newuserdata(L, MemoryLayout<LuaHandleSlot>.size)!
            memory.bindMemory(to: LuaHandleSlot.self, capacity: 1)
                .initialize(to: LuaHandleSlot(object: Unmanaged.passRetained(object).toOpaque()))
            _ = clua_getmetatable_named(L, type.name)
            lua_setmetatable(L, -2)
        }
    }
}

extension LuaCall {
    fileprivate func handleSlot(_ position: Int32, named name: String) -> UnsafeMutablePointer<LuaHandleSlot>? {
        luaL_testudata(stack.L, position, name)?.assumingMemoryBound(to: LuaHandleSlot.self)
    }

    /// The object behind the handle at `position`; raises `NAME expected, got ...` for anything else and
    /// `attempt to use a closed NAME` for a closed handle.
    public func object<Object: AnyObject>(_ position: Int32, as type: LuaUserdataType<Object>) throws -> Object {
        guard let slot = handleSlot(position, named: type.name) else { throw typeError(position, expected: type.name) }
        guard let object = slot.pointee.object else { throw LuaRaisedError("attempt to use a closed \(type.name)") }
        return Unmanaged<Object>.fromOpaque(object).takeUnretainedValue()
    }
}
