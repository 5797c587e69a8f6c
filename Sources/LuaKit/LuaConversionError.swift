/// A Lua value that has no Swift (or JSON) form: a function, a cycle, a table with mixed keys, too deep a nesting.
public struct LuaConversionError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What is wrong, e.g. `cannot convert a function`.
    public var reason: String
    /// Where in the value, e.g. `ops[2].value`; empty at the top.
    public var path: String

    public init(_ reason: String, path: String = "") {
        self.reason = reason
        self.path = path
    }

    public var description: String { path.isEmpty ? reason : "\(reason) at \(path)" }
}
