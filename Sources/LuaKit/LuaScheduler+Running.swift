import CLua
import Dispatch

extension LuaScheduler {
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
        cancelled.append(contentsOf: inflight.values)
        inflight.removeAll()
        // Cancelled work gets to its end (it ends promptly: cancellation is how it was told to stop).
        for task in cancelled { await task.value }
        cancelled.removeAll()
        return outcome()
    }

    /// Takes one event of the `run` loop: queues the resumption of finished work, or stops the run.
    func handle(_ event: Event) {
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

    /// Resumes every queued task, in order, skipping stale resumptions and ended tasks.
    func drainReady() {
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

    /// Resumes `record`'s thread with what its wait produced, then files what the thread did: wait, end, fail.
    func resume(_ record: LuaTaskRecord, _ resumption: Resumption) {
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

    /// Whether the value on top of `thread` is the host marker that a waiting binding yields.
    func isHostMarker(on thread: OpaquePointer) -> Bool {
        state.stack.pushReference(state.anchors.hostMarker)
        defer { state.stack.pop() }
        return lua_rawequal(thread, -1, -1) != 0 && lua_topointer(thread, -1) == lua_topointer(state.L, -1)
    }

    /// Starts the wait `suspension` of `record`: asynchronous work in a child task, or a join on another task.
    func suspend(_ record: LuaTaskRecord, _ suspension: LuaSuspension) {
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

    /// Ends `record` (with `error`, or its results), wakes its waiters and forgets it when nobody can ask.
    func finish(_ record: LuaTaskRecord, error: LuaError?) {
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
}
