import CLua
import CLuaShim
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
    private var tasks: [LuaTaskID: LuaTaskRecord] = [:]
    private var ready: [(id: LuaTaskID, generation: Int, resumption: Resumption)] = []
    private var readyHead = 0
    private var inflight: [LuaTaskID: Task<Void, Never>] = [:]
    /// The run's time limit: a dispatch timer, so it fires even while Lua code keeps every executor thread busy.
    private var timer: (any DispatchSourceTimer)?
    private var liveTasks = 0
    private var nextID = 1
    private var stopReason: LuaStopReason?
    private var stopError: LuaError?
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation
    /// The main task, set by ``start(main:arguments:)``.
    public private(set) var mainTask: LuaTaskID?
    /// The task whose thread is running now, if any.
    public private(set) var currentTask: LuaTaskID?
    /// Errors of tasks that ended in error and that nobody waited for.
    public private(set) var unhandledErrors: [LuaError] = []

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

    /// A handle to stop a running scheduler from any task or thread (signals, guards).
    public struct Control: Sendable {
        let sink: AsyncStream<Event>.Continuation
        let request: LuaStopRequest

        /// Stops the run: no new work starts, waits end with a `cancelled` error, the outcome is `stopped`. Lua
        /// code running without waiting is interrupted at the next hook tick.
        public func stop(_ reason: LuaStopReason) {
            request.request(reason)
            sink.yield(.stop(reason))
        }
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

    /// The handle that stops this scheduler from elsewhere.
    public var control: Control { Control(sink: sink, request: state.stopRequest) }

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

    private func forget(_ record: LuaTaskRecord) {
        if !record.waiters.isEmpty { return }
        state.stack.releaseReference(record.reference)
        tasks[record.id] = nil
    }

    /// Queues the resumption of `record`'s current wait; a later wait makes it stale.
    private func enqueue(_ record: LuaTaskRecord, _ resumption: Resumption) {
        ready.append((record.id, record.generation, resumption))
    }

    // MARK: Running

    /// Runs every queued task until all have ended, the time limit passes or the run is stopped.
    public func run(timeout: Double? = nil) async -> LuaRunOutcome {
        if let timeout {
            let control = self.control
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + timeout)
            timer.setEventHandler { control.stop(.timeout(seconds: timeout)) }
            timer.resume()
            self.timer = timer
        }
        var iterator = events.makeAsyncIterator()
        while true {
            drainReady()
            if liveTasks == 0 { break }
            if readyHead == ready.count, inflight.isEmpty {
                resolveDeadlock()
                continue
            }
            guard let event = await iterator.next() else { break }
            handle(event)
        }
        timer?.cancel()
        for task in inflight.values { task.cancel() }
        inflight.removeAll()
        return outcome()
    }

    private func handle(_ event: Event) {
        switch event {
        case .completed(let id, let generation, let result):
            guard let record = tasks[id], record.generation == generation, record.status == .waiting else { return }
            inflight[id] = nil
            switch result {
            case .success(let results): enqueue(record, .results(results))
            case .failure(let error): enqueue(record, .failure(error, location: record.location))
            }
        case .stop(let reason):
            stop(reason, error: nil)
        }
    }

    private func drainReady() {
        while readyHead < ready.count {
            let (id, generation, resumption) = ready[readyHead]
            readyHead += 1
            if readyHead > 1024, readyHead * 2 > ready.count {
                ready.removeFirst(readyHead)
                readyHead = 0
            }
            guard let record = tasks[id], record.generation == generation, !record.status.isFinished else { continue }
            resume(record, resumption)
        }
    }

    private func resume(_ record: LuaTaskRecord, _ resumption: Resumption) {
        let thread = record.thread
        let stack = LuaStack(thread, state)
        var arguments: Int32
        switch resumption {
        case .start(let count):
            arguments = count
        case .results(let results):
            _ = stack.reserve(2)
            stack.push(true)
            arguments = 1 + results.push(stack)
        case .failure(let error, let location):
            stack.push(false)
            pushFailure(error, location: location, on: stack)
            arguments = 2
        case .joined(let id):
            arguments = pushOutcome(of: id, on: stack)
        case .stopping:
            stack.push(false)
            stack.pushError(
                kind: "cancelled", message: "run stopped: \(stopReason?.description ?? "cancelled")",
                where: record.location.isEmpty ? nil : record.location)
            arguments = 2
        }
        record.status = .running
        state.pendingSuspension = nil
        currentTask = record.id
        var resultCount: Int32 = 0
        let status = lua_resume(thread, nil, arguments, &resultCount)
        currentTask = nil
        let suspension = state.pendingSuspension
        state.pendingSuspension = nil

        if let budget = state.exceededBudget, budget != .interrupted || stopReason == nil {
            if budget == .interrupted {
                // `Control.stop` from another thread interrupted code that ran without waiting.
                stop(state.stopRequest.reason ?? .requested("run stopped"), error: nil)
                finish(record, error: stopError ?? LuaError(.interrupted, "run stopped"))
                return
            }
            stopForBudget(budget, in: record)
            return
        }
        switch status {
        case LUA_YIELD:
            if resultCount == 1, isHostMarker(on: thread), let suspension {
                lua_settop(thread, 0)
                suspend(record, suspension)
            } else if stopReason != nil {
                finish(record, error: stopError ?? LuaError(.interrupted, "run stopped"))
            } else {
                lua_settop(thread, 0)
                finish(record, error: LuaError(.runtime, "attempt to yield from outside a coroutine"))
            }
        case LUA_OK:
            record.resultCount = resultCount
            finish(record, error: nil)
        default:
            finish(record, error: stack.error(at: -1, status: status, thread: thread))
        }
    }

    private func isHostMarker(on thread: OpaquePointer) -> Bool {
        state.stack.pushReference(state.anchors.hostMarker)
        defer { state.stack.pop() }
        return lua_rawequal(thread, -1, -1) != 0 && lua_topointer(thread, -1) == lua_topointer(state.L, -1)
    }

    private func suspend(_ record: LuaTaskRecord, _ suspension: LuaSuspension) {
        record.status = .waiting
        record.generation += 1
        record.location = suspension.location
        if stopReason != nil {
            enqueue(record, .stopping)
            return
        }
        switch suspension.work {
        case .async(let work):
            let id = record.id
            let generation = record.generation
            let sink = self.sink
            inflight[id] = Task {
                do {
                    let results = try await work()
                    sink.yield(.completed(id, generation: generation, .success(results)))
                } catch {
                    sink.yield(.completed(id, generation: generation, .failure(error)))
                }
            }
        case .join(let target):
            guard let other = tasks[target] else {
                enqueue(record, .failure(LuaRaisedError("task \(target) no longer exists"), location: record.location))
                return
            }
            other.awaited = true
            if other.status.isFinished {
                enqueue(record, .joined(target))
            } else {
                other.waiters.append(record.id)
            }
        }
    }

    private func finish(_ record: LuaTaskRecord, error: LuaError?) {
        guard !record.status.isFinished else { return }
        record.status = error == nil ? .succeeded : .failed
        record.error = error
        liveTasks -= 1
        for waiter in record.waiters {
            if let waiting = tasks[waiter], waiting.status == .waiting { enqueue(waiting, .joined(record.id)) }
        }
        record.waiters.removeAll()
        if record.handleReleased, record.id != mainTask {
            if let error, !record.awaited { unhandledErrors.append(error) }
            forget(record)
        }
    }

    /// Pushes `true, results...` or `false, error` of the finished task `id` onto `stack`; returns the count.
    private func pushOutcome(of id: LuaTaskID, on stack: LuaStack) -> Int32 {
        guard let record = tasks[id] else {
            stack.push(false)
            stack.push("task \(id) no longer exists")
            return 2
        }
        let source = record.thread
        _ = stack.reserve(record.status == .succeeded ? record.resultCount + 1 : 2)
        if record.status == .succeeded {
            stack.push(true)
            let count = record.resultCount
            let base = lua_gettop(source) - count
            for offset in 0..<count { lua_pushvalue(source, base + 1 + offset) }
            lua_xmove(source, stack.L, count)
            return count + 1
        }
        stack.push(false)
        lua_pushvalue(source, -1)
        lua_xmove(source, stack.L, 1)
        return 2
    }

    /// Pushes the error of asynchronous work: an error value placed at the waiting call, or a message.
    private func pushFailure(_ error: any Error, location place: String, on stack: LuaStack) {
        switch error {
        case let error as any LuaErrorConvertible:
            stack.pushError(
                kind: error.luaErrorKind, message: error.luaErrorMessage, fields: error.luaErrorFields,
                where: place.isEmpty ? nil : place)
        case is CancellationError:
            stack.pushError(kind: "cancelled", message: "cancelled", where: place.isEmpty ? nil : place)
        default:
            stack.push((place.isEmpty ? "" : place + " ") + String(describing: error))
        }
    }

    // MARK: Stopping

    private func stop(_ reason: LuaStopReason, error: LuaError?) {
        guard stopReason == nil else { return }
        state.stopRequest.clear()
        stopReason = reason
        stopError = error ?? LuaError(reason.errorKind, reason.description)
        timer?.cancel()
        for task in inflight.values { task.cancel() }
        inflight.removeAll()
        // Every wait ends with a `cancelled` error (a new generation makes queued answers stale); tasks never
        // started end at once. Stopped code gets the instructions until the next budget check to clean up.
        for record in tasks.values where !record.status.isFinished {
            switch record.status {
            case .ready:
                finish(record, error: stopError)
            case .waiting:
                record.generation += 1
                enqueue(record, .stopping)
            default:
                break
            }
        }
        state.interrupt()
    }

    private func stopForBudget(_ budget: LuaError.Kind, in record: LuaTaskRecord) {
        let reason: LuaStopReason =
            budget == .memoryBudget
            ? .memoryBudget(limit: state.limits.memoryLimit ?? 0)
            : .instructionBudget(limit: state.limits.instructionLimit ?? 0)
        let place = LuaStack(record.thread, state).location(level: 0)
        let error = LuaError(budget, place + reason.description)
        finish(record, error: error)
        stop(reason, error: error)
        // Nothing more of this state may run: every other task ends with the same error.
        for other in tasks.values where !other.status.isFinished { finish(other, error: error) }
        ready.removeAll()
        readyHead = 0
    }

    private func resolveDeadlock() {
        for record in tasks.values where record.status == .waiting {
            record.generation += 1
            enqueue(
                record,
                .failure(LuaRaisedError("deadlock: every task is waiting for another task"), location: record.location))
        }
        for record in tasks.values { record.waiters.removeAll() }
    }

    private func outcome() -> LuaRunOutcome {
        if let stopReason {
            return .stopped(stopReason, stopError ?? LuaError(stopReason.errorKind, stopReason.description))
        }
        guard let main = mainTask, let record = tasks[main] else { return .finished([]) }
        if let error = record.error { return .failed(error) }
        let stack = LuaStack(record.thread, state)
        var values: [LuaValue] = []
        let base = stack.top - record.resultCount
        for index in 0..<record.resultCount {
            values.append((try? stack.value(at: base + 1 + index)) ?? .nil)
        }
        // Tasks that failed with nobody waiting, and whose handle is still alive, count as unhandled too.
        for other in tasks.values where other.id != main && other.status == .failed && !other.awaited {
            if let error = other.error { unhandledErrors.append(error) }
        }
        if let first = unhandledErrors.first { return .failed(first) }
        return .finished(values)
    }
}

extension LuaStopReason {
    var errorKind: LuaError.Kind {
        switch self {
        case .instructionBudget: .instructionBudget
        case .memoryBudget: .memoryBudget
        case .timeout, .requested: .interrupted
        }
    }
}
