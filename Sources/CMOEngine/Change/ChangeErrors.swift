import LuaKit

/// A SIM that another change got to first, or that stayed pending.
struct StatusConflict: LuaErrorConvertible, CustomStringConvertible {
    var message: String
    var luaErrorKind: String { "conflict" }
    var luaErrorMessage: String { message }
    var description: String { message }
}

/// A dry run's answer where the backend would refuse the change.
struct ChangeRefused: LuaErrorConvertible, CustomStringConvertible {
    var message: String
    var luaErrorKind: String { "refused" }
    var luaErrorMessage: String { "would be refused: \(message)" }
    var description: String { luaErrorMessage }
}

/// The run is stopping (a signal, a timeout, a guard): this change was not sent.
struct RunStopping: LuaErrorConvertible, CustomStringConvertible {
    var reason: String
    var luaErrorKind: String { "stopped" }
    var luaErrorMessage: String { "not sent: \(reason)" }
    var description: String { luaErrorMessage }
}

/// A guard stopped the run before this change.
struct GuardError: LuaErrorConvertible, CustomStringConvertible {
    var reason: String
    var luaErrorKind: String { "guard" }
    var luaErrorMessage: String { reason }
    var description: String { reason }
}
