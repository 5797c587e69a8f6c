import CLua
import CLuaShim

extension LuaStack {
    /// A ``LuaError`` from the error object at `index`, with the traceback of `thread` when given.
    func error(at index: Int32, status: Int32, thread: OpaquePointer?) -> LuaError {
        let kind: LuaError.Kind =
            switch status {
            case LUA_ERRSYNTAX: .syntax
            case LUA_ERRMEM: .memoryBudget
            default: .runtime
            }
        let message = describe(at: index)
        let value = type(at: index) == .table ? ((try? self.value(at: index)) ?? .nil) : .nil
        var traceback: String?
        if let thread {
            state.hostAllocations { luakit_traceback(state.L, thread, nil, 0) }
            traceback = state.stack.string(at: -1).map(Self.withoutHostFrames)
            state.stack.pop()
        }
        return LuaError(kind, message, traceback: traceback, value: value)
    }

    /// `traceback` without the frames of the host's own chunks (named `=(name)`, shown as `(name):line:`): a
    /// script's author reads their script's frames.
    static func withoutHostFrames(_ traceback: String) -> String {
        traceback.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !(line.hasPrefix("\t(") && line.contains("):")) }
            .joined(separator: "\n")
    }
}
