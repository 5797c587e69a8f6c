/// An error from loading or running Lua code, as the host sees it.
public struct LuaError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, as a closed set.
    public enum Kind: Sendable, Equatable {
        /// The chunk did not compile; the message is `file:line: message`.
        case syntax
        /// The script raised an error that nothing caught.
        case runtime
        /// The memory cap was reached.
        case memoryBudget
        /// The instruction budget was spent.
        case instructionBudget
        /// The host interrupted the script (timeout, signal).
        case interrupted
        /// A value could not be converted between Lua and Swift.
        case conversion
    }

    public var kind: Kind
    /// The message, `file:line: ...` where Lua knows the place.
    public var message: String
    /// The Lua traceback at the point of the error, when there is one.
    public var traceback: String?
    /// The error value's fields when the script raised an error table (for example an HTTP error's `status`).
    public var value: LuaValue

    public init(_ kind: Kind, _ message: String, traceback: String? = nil, value: LuaValue = .nil) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
        self.value = value
    }

    public var description: String { message }
}

/// A wrong argument to a binding; reported as Lua's `bad argument #N to 'name' (message)`.
public struct LuaArgumentError: Error, Sendable {
    /// The 1-based argument position.
    public var position: Int32
    /// What was wrong, e.g. `string expected, got nil`.
    public var message: String

    public init(position: Int32, message: String) {
        self.position = position
        self.message = message
    }
}

/// An error raised from a binding as a plain message, prefixed with the caller's `file:line:`.
public struct LuaRaisedError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A Swift error that reaches Lua as an error value: a table with `kind`, `message` and further fields,
/// whose `__tostring` reads well.
public protocol LuaErrorConvertible: Error {
    /// The error's kind, a short snake_case word such as `http` or `timeout`.
    var luaErrorKind: String { get }
    /// A one-line message for people.
    var luaErrorMessage: String { get }
    /// Further fields (`status`, `detail`, `correlation_id`, `retryable`, ...).
    var luaErrorFields: [String: LuaValue] { get }
}

extension LuaErrorConvertible {
    public var luaErrorFields: [String: LuaValue] { [:] }
}
