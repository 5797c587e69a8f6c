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
            _ = luaL_getsubtable(L, clua_registryindex(), "cmo.loaded")
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
        let loaded = luaL_loadbufferx(L, LuaSandbox.prelude, LuaSandbox.prelude.utf8.count, "=(sandbox)", "t")
        precondition(loaded == LUA_OK, "cmo: sandbox prelude does not compile: \(stack.describe(at: -1))")
        stack.pushReference(anchors.hostMarker)
        stack.pushReference(anchors.roots)
        stack.pushReference(findModule)
        _ = hostAllocations { luaL_getsubtable(L, clua_registryindex(), "cmo.loaded") }
        let status = hostAllocations { clua_pcall(L, 4, 0, 0) }
        precondition(status == LUA_OK, "cmo: sandbox prelude failed: \(stack.describe(at: -1))")
    }
}

extension LuaSandbox {
    /// Lua run once per state: safe `load`, `require`, and coroutine functions that forward host waits.
    static let prelude = """
        local HOST, roots, find_module, loaded = ...
        local create, resume, yield = coroutine.create, coroutine.resume, coroutine.yield
        local status, running, close = coroutine.status, coroutine.running, coroutine.close
        local isyieldable = coroutine.isyieldable
        local base_load, type, error, select = load, type, error, select

        function load(chunk, name, mode, env)
          if mode ~= nil and mode ~= "t" then
            return nil, "attempt to load a " .. tostring(mode) .. " chunk (only text chunks are allowed)"
          end
          if env == nil then return base_load(chunk, name, "t") end
          return base_load(chunk, name, "t", env)
        end

        function require(name)
          if type(name) ~= "string" then
            error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
          end
          local module = loaded[name]
          if module ~= nil then return module end
          local chunk, path = find_module(name)
          if not chunk then error(path, 2) end
          module = chunk(name, path)
          if module == nil then module = true end
          loaded[name] = module
          return module
        end

        -- A host wait inside a script's own coroutine: pass the marker up, hand the answer back down.
        local function forward(co, ok, ...)
          if ok and select("#", ...) == 1 and ... == HOST then
            return forward(co, resume(co, yield(HOST)))
          end
          return ok, ...
        end

        function coroutine.resume(co, ...)
          if roots[co] then return false, "cannot resume a task's own thread" end
          return forward(co, resume(co, ...))
        end

        function coroutine.yield(...)
          if roots[running()] then error("attempt to yield from outside a coroutine", 2) end
          return yield(...)
        end

        function coroutine.isyieldable(co)
          co = co or running()
          return not roots[co] and isyieldable(co)
        end

        function coroutine.close(co)
          if roots[co] then error("cannot close a task's own thread", 2) end
          return close(co)
        end

        local function unwrap(co, ok, ...)
          if ok then return ... end
          local err = ...
          if status(co) == "dead" then close(co) end
          error(err, 0)
        end

        function coroutine.wrap(f)
          local co = create(f)
          return function(...) return unwrap(co, forward(co, resume(co, ...))) end
        end
        """
}
