import CLua
import CLuaShim

/// One Lua 5.4 state: its budgets, its registry anchors and the host functions registered in it.
///
/// A `LuaState` is not `Sendable`: it belongs to one task (or thread) at a time, and every call into it,
/// including the bindings Lua calls back, runs there. ``LuaScheduler`` is the way to drive one from Swift
/// concurrency: it resumes Lua threads only from its own `run` loop and does asynchronous work in child tasks
/// whose results come back to that loop.
public final class LuaState {
    /// The main thread.
    public let L: OpaquePointer
    /// The budgets this state was made with.
    public let limits: LuaLimits
    let budget: UnsafeMutablePointer<luakit_limits>
    /// Stops asked for from other threads; the count hook reads its flag.
    let stopRequest = LuaStopRequest()
    var anchors = Anchors()
    /// Set by a binding that yields; taken by the scheduler when the root thread yields the host marker.
    var pendingSuspension: LuaSuspension?
    /// The scheduler running this state's threads, if any.
    public internal(set) weak var scheduler: LuaScheduler?
    /// Where `print` writes. Default: standard output.
    public var output: (String) -> Void = { print($0) }

    struct Anchors {
        var null: Int32 = LUA_NOREF
        var arrayMarker: Int32 = LUA_NOREF
        var objectMarker: Int32 = LUA_NOREF
        var errorMetatable: Int32 = LUA_NOREF
        var hostMarker: Int32 = LUA_NOREF
        var roots: Int32 = LUA_NOREF
        var nullPointer: UnsafeMutableRawPointer?
        var arrayMarkerPointer: UnsafeRawPointer?
        var objectMarkerPointer: UnsafeRawPointer?
    }

    /// Makes a state with `limits`; the standard libraries are not opened (see ``openSandbox(_:)``).
    public init(limits: LuaLimits = LuaLimits()) {
        LuaState.installDispatch()
        budget = .allocate(capacity: 1)
        budget.initialize(to: luakit_limits())
        budget.pointee.memory_limit = limits.memoryLimit.map { max(0, $0) } ?? 0
        budget.pointee.instruction_limit = limits.instructionLimit ?? 0
        budget.pointee.stop_request = stopRequest.flag
        guard let state = luakit_newstate(budget) else { fatalError("LuaKit: cannot allocate a Lua state") }
        L = state
        self.limits = limits
        budget.pointee.host = Unmanaged.passUnretained(self).toOpaque()
        // Always hooked: the hook enforces the instruction budget and also stops interrupted code.
        luakit_set_budget_hook(L, limits.hookInterval)
        makeAnchors()
    }

    deinit {
        lua_close(L)
        budget.deinitialize(count: 1)
        budget.deallocate()
    }

    /// The main thread's stack.
    public var stack: LuaStack { LuaStack(L, self) }

    /// Bytes the state holds now.
    public var memoryUsed: Int { budget.pointee.memory_used }
    /// The most bytes the state has held.
    public var memoryPeak: Int { budget.pointee.memory_peak }
    /// Which budget stopped the script, if any.
    public var exceededBudget: LuaError.Kind? {
        if budget.pointee.memory_exceeded != 0 { return .memoryBudget }
        if budget.pointee.instructions_exceeded != 0 { return .instructionBudget }
        if budget.pointee.interrupted != 0 { return .interrupted }
        return nil
    }

    /// Asks running Lua code to stop after `graceChecks` more budget checks (of ``LuaLimits/hookInterval``
    /// instructions each), at which point it yields to the host if it can; Lua code cannot catch this.
    public func interrupt(graceChecks: Int32 = 100) {
        budget.pointee.interrupted = 1 + max(0, graceChecks)
    }

    /// Runs `body` with the memory cap lifted, so Lua API calls made from Swift never raise out of memory.
    @inline(__always)
    func hostAllocations<T>(_ body: () throws -> T) rethrows -> T {
        budget.pointee.in_host += 1
        defer { budget.pointee.in_host -= 1 }
        return try body()
    }

    private func makeAnchors() {
        hostAllocations {
            // json.null: a userdata whose identity is the sentinel.
            anchors.nullPointer = clua_newuserdata(L, 1)
            lua_createtable(L, 0, 2)
            lua_pushstring(L, "json.null")
            lua_setfield(L, -2, "__name")
            LuaState.pushConstantFunction(L, "null")
            lua_setfield(L, -2, "__tostring")
            lua_setmetatable(L, -2)
            anchors.null = luaL_ref(L, clua_registryindex())

            lua_createtable(L, 0, 1)
            lua_pushstring(L, "array")
            lua_setfield(L, -2, "__jsontype")
            anchors.arrayMarkerPointer = lua_topointer(L, -1)
            anchors.arrayMarker = luaL_ref(L, clua_registryindex())

            lua_createtable(L, 0, 1)
            lua_pushstring(L, "object")
            lua_setfield(L, -2, "__jsontype")
            anchors.objectMarkerPointer = lua_topointer(L, -1)
            anchors.objectMarker = luaL_ref(L, clua_registryindex())

            lua_createtable(L, 0, 0)
            anchors.hostMarker = luaL_ref(L, clua_registryindex())

            // The set of threads the scheduler owns, weak so finished tasks can be collected.
            lua_createtable(L, 0, 0)
            lua_createtable(L, 0, 1)
            lua_pushstring(L, "k")
            lua_setfield(L, -2, "__mode")
            lua_setmetatable(L, -2)
            anchors.roots = luaL_ref(L, clua_registryindex())

            anchors.errorMetatable = makeErrorMetatable()
        }
    }

    /// The metatable of error values: `__name` and a `__tostring` that puts the place before the message.
    private func makeErrorMetatable() -> Int32 {
        runShippedChunk(PackageResources.error_lua, chunkName: "=(error metatable)", results: 1) { 0 }
        return luaL_ref(L, clua_registryindex())
    }

    /// A C function that returns a constant string, for `__tostring` of sentinels.
    static func pushConstantFunction(_ L: OpaquePointer, _ text: String) {
        lua_pushstring(L, text)
        lua_pushcclosure(L, { L in
            lua_pushvalue(L, clua_upvalueindex(1))
            return 1
        }, 1)
    }

    /// Compiles `source` as a text chunk named `chunkName` (a file path, or `=name` for other sources) and
    /// leaves the function on `stack` (default: the main thread's).
    public func load(_ source: [UInt8], chunkName: String, onto stack: LuaStack? = nil) throws(LuaError) {
        let stack = stack ?? self.stack
        let name = chunkName.hasPrefix("=") || chunkName.hasPrefix("@") ? chunkName : "@" + chunkName
        let status = hostAllocations {
            source.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    luaL_loadbufferx(stack.L, chars.baseAddress, chars.count, name, "t")
                }
            }
        }
        if status != LUA_OK {
            let message = stack.string(at: -1) ?? "cannot load \(chunkName)"
            stack.pop()
            throw LuaError(status == LUA_ERRMEM ? .memoryBudget : .syntax, message)
        }
    }

    /// Compiles and runs `source` on the main thread (no yields), returning its first result.
    ///
    /// For set-up code and tests; scripts run through ``LuaScheduler``.
    @discardableResult
    public func execute(_ source: String, chunkName: String = "=(host)") throws(LuaError) -> LuaValue {
        let top = lua_gettop(L)
        try load(Array(source.utf8), chunkName: chunkName)
        let status = hostAllocations { clua_pcall(L, 0, 1, 0) }
        defer { lua_settop(L, top) }
        if status != LUA_OK {
            throw stack.error(at: -1, status: status, thread: nil)
        }
        do {
            return try stack.value(at: -1)
        } catch {
            throw LuaError(.conversion, "\(error)")
        }
    }
}
