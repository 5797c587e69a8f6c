/// Text that is not JSON, with the place where reading stopped.
public struct JSONDecodingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What was wrong, e.g. `unexpected character '}'`.
    public var reason: String
    /// 1-based line and column of the offending byte.
    public var line: Int
    public var column: Int

    public var description: String { "\(reason) at line \(line), column \(column)" }
}
