/// Values produced off the Lua thread, pushed when the waiting thread resumes.
public struct LuaResults: Sendable {
    let push: @Sendable (LuaStack) -> Int32

    /// Results pushed by `push`, which returns how many it pushed.
    public init(push: @escaping @Sendable (LuaStack) -> Int32) {
        self.push = push
    }

    /// Plain values as results.
    public init(_ values: [LuaValue]) {
        push = { stack in
            for value in values { stack.push(value) }
            return Int32(values.count)
        }
    }

    /// No results.
    public static let none = LuaResults([])
}

/// Why a thread waits: asynchronous Swift work, or another task of the same scheduler.
public struct LuaSuspension {
    enum Work {
        case async(@Sendable () async throws -> LuaResults)
        case join(LuaTaskID)
    }

    let work: Work
    /// `file:line:` of the script line that waits (no trailing space), for error values.
    var location = ""

    /// Wait for `work` to finish; its results (or its error) go back to the waiting call.
    public static func async(_ work: @escaping @Sendable () async throws -> LuaResults) -> LuaSuspension {
        LuaSuspension(work: .async(work))
    }

    /// Wait for the task `id` to end; its results (or its error) go back to the waiting call.
    public static func join(_ id: LuaTaskID) -> LuaSuspension {
        LuaSuspension(work: .join(id))
    }
}

/// A task's identity within its scheduler.
public struct LuaTaskID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public var description: String { String(rawValue) }
}
