import CLua

/// The Lua release LuaKit was compiled against, from the C headers (`LUA_RELEASE` is a concatenation of string
/// macros Swift cannot import; its parts it can).
public enum LuaRelease {
    /// `Lua 5.4.6`.
    public static let name = "Lua \(LUA_VERSION_MAJOR).\(LUA_VERSION_MINOR).\(LUA_VERSION_RELEASE)"
}
