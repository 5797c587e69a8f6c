import CLuaShim
import Synchronization

/// A request to stop a state's running Lua code, made from any thread (a timer, a signal handler's thread).
///
/// A stop that travels only as a scheduler event waits until Lua code next waits for the host, which a loop that
/// never calls a waiting binding never does. The request also sets a flag that the state's count hook reads: at
/// its next tick (at most ``LuaLimits/hookInterval`` instructions later) the running code is interrupted and the
/// scheduler handles the stop with the reason recorded here. The flag's memory belongs to this object, which both
/// the state and every `LuaScheduler.Control` keep alive.
final class LuaStopRequest: Sendable {
    nonisolated(unsafe) let flag: UnsafeMutablePointer<Int32>
    private let pending = Mutex<LuaStopReason?>(nil)

    init() {
        flag = .allocate(capacity: 1)
        flag.initialize(to: 0)
    }

    deinit {
        flag.deallocate()
    }

    /// Records `reason` (the first one wins) and asks the hook to interrupt the running code.
    func request(_ reason: LuaStopReason) {
        pending.withLock { if $0 == nil { $0 = reason } }
        luakit_request_stop(flag)
    }

    /// The reason of the request the hook acted on.
    var reason: LuaStopReason? { pending.withLock { $0 } }

    /// Forgets the request once the scheduler has stopped the run by other means, so it cannot interrupt later code.
    func clear() {
        luakit_clear_stop_request(flag)
        pending.withLock { $0 = nil }
    }
}
