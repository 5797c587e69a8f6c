import LuaKit

/// The globals and `library.member` names of cmo's sandbox, read from a fresh sandboxed state by the stdlib's
/// `check/sandbox_names.lua`: `cmo check` takes what scripts may use from the sandbox itself, not from a list.
enum SandboxNames {
    /// The names, comma-separated (`assert,...,string.format,...`).
    static func list(stdlib: String) throws -> String {
        let path = stdlib + "/check/sandbox_names.lua"
        guard let source = LuaSourceFile.read(path) else { throw LuaError(.runtime, "cannot read \(path)") }
        let state = LuaState()
        state.openSandbox(LuaSandbox())
        guard case .string(let names) = try state.execute(String(decoding: source, as: UTF8.self), chunkName: path)
        else { throw LuaError(.runtime, "\(path) returned no list of names") }
        return names
    }
}
