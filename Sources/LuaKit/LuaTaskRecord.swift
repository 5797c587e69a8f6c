/// Where a task is in its life.
public enum LuaTaskStatus: Sendable, Equatable {
    case ready
    case running
    case waiting
    case succeeded
    case failed

    var isFinished: Bool { self == .succeeded || self == .failed }
}

/// What the scheduler keeps of one task: its thread, anchored in the registry, and who waits for it.
final class LuaTaskRecord {
    let id: LuaTaskID
    let thread: OpaquePointer
    let reference: Int32
    var status: LuaTaskStatus = .ready
    var waiters: [LuaTaskID] = []
    var resultCount: Int32 = 0
    var error: LuaError?
    var awaited = false
    var handleReleased = false
    /// Counts the task's waits; a queued answer to an earlier wait is stale.
    var generation = 0
    /// `file:line:` of the call the task waits in.
    var location = ""

    init(id: LuaTaskID, thread: OpaquePointer, reference: Int32) {
        self.id = id
        self.thread = thread
        self.reference = reference
    }
}
