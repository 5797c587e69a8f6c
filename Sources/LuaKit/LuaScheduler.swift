import CLua
import Dispatch

/// Runs Lua threads as cooperative tasks on one Swift task: the model of OpenResty's light threads.
///
/// A binding that waits returns ``LuaReturn/yield`` after ``LuaCall/suspend(_:)``; the thread yields a host
/// marker up to the scheduler (through any coroutines of the script's own, see ``LuaSandbox``), which starts the
/// Swift work in a child task and resumes the thread with its results when it is done. Lua code only ever runs
/// inside ``run(timeout:)``, on the caller's task, one thread at a time.
public final class LuaScheduler {
    /// The state whose threads this scheduler runs.
    public let state: LuaState
    /// Every task not yet forgotten: running, waiting, or ended with a handle or a waiter still around.
    var tasks: [LuaTaskID: LuaTaskRecord] = [:]
    /// Resumptions to run, in order, from `readyHead` on; stale ones (an older generation) are skipped.
    var ready: [(id: LuaTaskID, generation: Int, resumption: Resumption)] = []
    var readyHead = 0
    /// The Swift work of waiting tasks, by task.
    var inflight: [LuaTaskID: Task<Void, Never>] = [:]
    /// Work cancelled by a stop: `run` waits for it before it returns, so whatever the work records as it ends
    /// (a change cut short, say) is recorded before the host reads the outcome.
    var cancelled: [Task<Void, Never>] = []
    /// The run's time limit: a dispatch timer, so it fires even while Lua code keeps every executor thread busy.
    var timer: (any DispatchSourceTimer)?
    /// Tasks that have not ended.
    var liveTasks = 0
    var nextID = 1
    /// Why the run is stopping, once it is; the error every stopped task ends with.
    var stopReason: LuaStopReason?
    var stopError: LuaError?
    /// Completed work and stop requests, read by the `run` loop.
    let events: AsyncStream<Event>
    let sink: AsyncStream<Event>.Continuation
    /// The main task, set by ``start(main:arguments:)``.
    public internal(set) var mainTask: LuaTaskID?
    /// The task whose thread is running now, if any.
    public internal(set) var currentTask: LuaTaskID?
    /// Errors of tasks that ended in error and that nobody waited for.
    public internal(set) var unhandledErrors: [LuaError] = []

    enum Resumption {
        case start(Int32)
        case results(LuaResults)
        case failure(any Error, location: String)
        case joined(LuaTaskID)
        case stopping
    }

    enum Event: Sendable {
        case completed(LuaTaskID, generation: Int, Result<LuaResults, any Error>)
        case stop(LuaStopReason)
    }

    public init(state: LuaState) {
        self.state = state
        (events, sink) = AsyncStream.makeStream(of: Event.self)
        state.scheduler = self
    }

    deinit {
        timer?.cancel()
        for task in inflight.values { task.cancel() }
        sink.finish()
    }

    /// Whether the run is stopping (a timeout, a signal or a guard); new work is refused then.
    public var isStopping: Bool { stopReason != nil }

    // MARK: Tasks

    /// Makes a task of the function below `arguments` values on `stack` (popping them all) and queues it.
    @discardableResult
    public func spawn(from stack: LuaStack, arguments: Int32) -> LuaTaskID {
        let main = state.L
        let thread = state.hostAllocations { lua_newthread(main)! }
        let reference = state.stack.makeReference()
        // roots[thread] = true, so the sandbox's coroutine functions treat it as a task's own thread.
        state.stack.pushReference(state.anchors.roots)
        state.stack.pushReference(reference)
        lua_pushboolean(main, 1)
        state.hostAllocations { lua_rawset(main, -3) }
        state.stack.pop()

        lua_xmove(stack.L, thread, arguments + 1)
        let id = LuaTaskID(rawValue: nextID)
        nextID += 1
        let record = LuaTaskRecord(id: id, thread: thread, reference: reference)
        tasks[id] = record
        liveTasks += 1
        enqueue(record, .start(arguments))
        return id
    }

    /// Loads nothing: makes the main task of the function below `arguments` values on the main stack.
    public func start(main arguments: Int32 = 0) -> LuaTaskID {
        // A state can run several times (a REPL): the previous main task's outcome has been reported.
        if let previous = mainTask, let record = tasks[previous] {
            record.awaited = true
            if record.status.isFinished { forget(record) }
        }
        unhandledErrors.removeAll()
        let id = spawn(from: state.stack, arguments: arguments)
        mainTask = id
        return id
    }

    /// The state of task `id`.
    public func status(of id: LuaTaskID) -> LuaTaskStatus? { tasks[id]?.status }

    /// Marks that someone will collect task `id`'s outcome, so its error is not reported as unhandled.
    public func markAwaited(_ id: LuaTaskID) { tasks[id]?.awaited = true }

    /// Called when a task's handle is collected: its thread can go once the task has ended.
    public func release(_ id: LuaTaskID) {
        guard let record = tasks[id] else { return }
        record.handleReleased = true
        if record.status.isFinished, id != mainTask { forget(record) }
    }

    func forget(_ record: LuaTaskRecord) {
        if !record.waiters.isEmpty { return }
        state.stack.releaseReference(record.reference)
        tasks[record.id] = nil
    }

    /// Queues the resumption of `record`'s current wait; a later wait makes it stale.
    func enqueue(_ record: LuaTaskRecord, _ resumption: Resumption) {
        ready.append((record.id, record.generation, resumption))
    }
}
