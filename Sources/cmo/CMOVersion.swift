import LuaKit

/// The version of `cmo`, printed by `cmo --version` with the Lua release it was built with.
enum CMOVersion {
    /// The version of this program.
    static let number = "0.11.0"

    /// `cmo 0.11.0 (Lua 5.4.6)`.
    static let description = "cmo \(number) (\(LuaRelease.name))"
}
