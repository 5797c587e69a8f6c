import CLua

/// What scripts may reach: an allow list of libraries and functions, and where `require` looks.
///
/// Scripts get the base functions without `dofile` and `loadfile` (`load` compiles text only), `string` (without
/// `dump`), `table`, `math`, `utf8`, `coroutine` (made safe for host waits, see below), `os.time`, `os.clock`,
/// `os.date` and `debug.traceback`. There is no `io`, no `package`, no other `os` or `debug` function.
/// `print` writes through ``LuaState/output``. `require` loads `name.lua` (dots become slashes) or
/// `name/init.lua` from ``modulePaths`` in order, and host modules registered with ``LuaState/preload(_:)``.
///
/// Coroutines: a binding that waits yields a private marker. The sandbox's `coroutine.resume` and
/// `coroutine.wrap` pass that marker up to the scheduler and the answer back down, so a script's own coroutines
/// can call waiting bindings; `coroutine.yield` outside any coroutine of the script raises Lua's
/// `attempt to yield from outside a coroutine`, and a task's own thread cannot be resumed by a script.
public struct LuaSandbox: Sendable, Equatable {
    /// Directories `require` searches, in order.
    public var modulePaths: [String]

    public init(modulePaths: [String] = []) {
        self.modulePaths = modulePaths
    }
}

extension LuaState {
    /// Opens the allowed libraries and installs `print`, `require`, `load` and the coroutine functions.
    public func openSandbox(_ sandbox: LuaSandbox) {
        let stack = self.stack
        hostAllocations {
            for (name, open) in [
                ("_G", luaopen_base), ("string", luaopen_string), ("table", luaopen_table),
                ("math", luaopen_math), ("utf8", luaopen_utf8), ("coroutine", luaopen_coroutine),
            ] as [(String, lua_CFunction)] {
                luaL_requiref(L, name, open, 1)
                stack.pop()
            }
            keep(library: "os", opener: luaopen_os, only: ["time", "clock", "date"])
            keep(library: "debug", opener: luaopen_debug, only: ["traceback"])
            for name in ["dofile", "loadfile"] {
                lua_pushnil(L)
                lua_setglobal(L, name)
            }
            _ = lua_getglobal(L, "string")
            lua_pushnil(L)
            lua_setfield(L, -2, "dump")
            stack.pop()
        }
        register("print") { call in
            var line = ""
            for index in 1...max(call.argumentCount, 1) where index <= call.argumentCount {
                if index > 1 { line += "\t" }
                line += call.stack.describe(at: index)
            }
            call.state.output(line)
            return .none
        }
        let paths = sandbox.modulePaths
        pushFunction("require") { call in
            let name = try call.string(1)
            return try LuaModuleLoader(paths: paths).find(name, call: &call)
        }
        let findModule = stack.makeReference()
        runPrelude(findModule: findModule)
        stack.releaseReference(findModule)
    }

    /// Makes `require(name)` return the value on top of the stack (popped), as for a module of the host.
    public func preload(_ name: String) {
        let stack = self.stack
        hostAllocations {
            _ = luaL_getsubtable(L, clua_registryindex(), "luakit.loaded")
            lua_rotate(L, -2, 1)
            lua_setfield(L, -2, name)
        }
        stack.pop()
    }

    private func keep(library: String, opener: lua_CFunction, only names: [String]) {
        let stack = self.stack
        luaL_requiref(L, library, opener, 0)
        lua_createtable(L, 0, Int32(names.count))
        for name in names {
            _ = lua_getfield(L, -2, name)
            lua_setfield(L, -2, name)
        }
        lua_setglobal(L, library)
        stack.pop()
    }

    private func runPrelude(findModule: Int32) {
        let stack = self.stack
        runShippedChunk(PackageResources.sandbox_lua, chunkName: "=(sandbox)") {
            stack.pushReference(anchors.hostMarker)
            stack.pushReference(anchors.roots)
            stack.pushReference(findModule)
            _ = hostAllocations { luaL_getsubtable(L, clua_registryindex(), "luakit.loaded") }
            return 4
        }
    }
}
