import CLua
import CLuaShim

/// A Swift function callable from Lua. It reads its arguments from the ``LuaCall``, pushes its results and
/// returns how many it pushed — or returns ``LuaReturn/yield`` to wait for asynchronous work.
///
/// It may throw: a ``LuaArgumentError`` becomes Lua's `bad argument #N to 'name' (...)`, a ``LuaErrorConvertible``
/// becomes an error value, anything else a message; all are prefixed with the calling script's `file:line:`.
/// The error is raised by the C trampoline after the Swift function has returned, never across Swift frames.
public typealias LuaFunction = (inout LuaCall) throws -> LuaReturn

/// What a ``LuaFunction`` hands back to Lua.
public enum LuaReturn: Sendable {
    /// This many values on top of the stack are the results.
    case results(Int32)
    /// Suspend the calling thread until the scheduler has done the work recorded by ``LuaCall/suspend(_:)``.
    case yield

    /// No results.
    public static let none = LuaReturn.results(0)
}

/// The box a Lua closure holds: the function and its name for messages.
final class LuaFunctionBox {
    let name: String
    let body: LuaFunction
    unowned(unsafe) let state: LuaState

    init(name: String, body: @escaping LuaFunction, state: LuaState) {
        self.name = name
        self.body = body
        self.state = state
    }
}

extension LuaStack {
    /// Pushes `body` as a Lua function named `name` (the name Lua's error messages use).
    public func pushFunction(_ name: String, _ body: @escaping LuaFunction) {
        let box = LuaFunctionBox(name: name, body: body, state: state)
        luakit_push_function(L, Unmanaged.passRetained(box).toOpaque())
    }
}

extension LuaState {
    static let dispatchInstalled: Bool = {
        luakit_install(
            { L, box in
                guard let L, let box else { return LUAKIT_RESULT_ERROR }
                let function = Unmanaged<LuaFunctionBox>.fromOpaque(box).takeUnretainedValue()
                return LuaState.dispatch(L, function)
            },
            { box in
                guard let box else { return }
                Unmanaged<LuaFunctionBox>.fromOpaque(box).release()
            })
        return true
    }()

    static func installDispatch() { _ = dispatchInstalled }

    /// Runs a binding; returns a count of results, `LUAKIT_RESULT_ERROR` with the error on top, or
    /// `LUAKIT_RESULT_YIELD` with the values to yield on the stack.
    static func dispatch(_ L: OpaquePointer, _ function: LuaFunctionBox) -> Int32 {
        var call = LuaCall(L: L, function: function)
        do {
            switch try function.body(&call) {
            case .results(let count):
                return count
            case .yield:
                let stack = call.stack
                stack.top = 0
                stack.pushReference(function.state.anchors.hostMarker)
                return LUAKIT_RESULT_YIELD
            }
        } catch {
            call.pushError(error)
            return LUAKIT_RESULT_ERROR
        }
    }

    /// Pushes `body` onto the main thread's stack as a Lua function named `name` (the name Lua's error
    /// messages use).
    public func pushFunction(_ name: String, _ body: @escaping LuaFunction) {
        stack.pushFunction(name, body)
    }

    /// Sets the global `name` to a Swift function.
    public func register(_ name: String, _ body: @escaping LuaFunction) {
        pushFunction(name, body)
        hostAllocations { lua_setglobal(L, name) }
    }

    /// Sets the global table `module` (made when missing) to hold `functions`; returns nothing on the stack.
    public func register(module: String, _ functions: [String: LuaFunction]) {
        let stack = self.stack
        hostAllocations {
            if lua_getglobal(L, module) != LUA_TTABLE {
                stack.pop()
                lua_createtable(L, 0, Int32(functions.count))
                lua_pushvalue(L, -1)
                lua_setglobal(L, module)
            }
        }
        for (name, body) in functions.sorted(by: { $0.key < $1.key }) {
            pushFunction(name, body)
            stack.setField(name, in: -2)
        }
        stack.pop()
    }
}
