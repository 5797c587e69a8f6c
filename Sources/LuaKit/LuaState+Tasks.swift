import CLua

extension LuaState {
    /// Installs the task functions into the global table `module` (made when missing). Needs a ``LuaScheduler``.
    ///
    /// - `sleep(seconds)`: waits without blocking other tasks.
    /// - `spawn(fn, ...) -> task`: runs `fn(...)` as a new task; `task:wait() -> results...` waits for it and
    ///   re-raises its error; `task:status() -> "ready"|"running"|"waiting"|"succeeded"|"failed"`.
    /// - `wait_all(tasks) -> results`: waits for every task; `results[i]` is task i's first result; raises the
    ///   first error once all have ended.
    /// - `parallel(items, fn [, {concurrency=N, fail_fast=false}]) -> results, failures`: calls `fn(item, index)`
    ///   for each item of an array (or each value an iterator function returns) with at most `concurrency`
    ///   calls in flight (default `defaultConcurrency`); `results[i]` is the first result of item i, or its error
    ///   as an error value; `failures` counts them. `fail_fast` stops starting items after the first error.
    ///   An iterator that raises stops all workers; `parallel` raises its error once they have ended.
    /// - `is_error(value) -> boolean`: whether `value` is an error value.
    /// - `new_error(kind, message [, fields]) -> error`: a new error value, for `error(...)`.
    ///
    /// `sleep` is how `sleep(seconds)` waits: `Task.sleep` by default; a host with a virtual clock passes its own.
    public func openTasks(
        in module: String, defaultConcurrency: Int,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        define(LuaTaskHandle.type)
        let functions: [String: LuaFunction] = [
            "sleep": { call in
                let seconds = try call.number(1)
                guard seconds.isFinite, seconds >= 0 else {
                    throw LuaArgumentError(position: 1, message: "seconds must be a finite number >= 0")
                }
                return try call.suspend(.async {
                    try await sleep(.seconds(seconds))
                    return .none
                })
            },
            "spawn": { call in
                try call.check(1, is: .function)
                guard let scheduler = call.state.scheduler else { throw LuaRaisedError("no scheduler runs this state") }
                guard !scheduler.isStopping else { throw LuaRaisedError("cannot start a task: the run is stopping") }
                let id = scheduler.spawn(from: call.stack, arguments: call.argumentCount - 1)
                call.stack.push(LuaTaskHandle(id: id, scheduler: scheduler), as: LuaTaskHandle.type)
                return .results(1)
            },
        ]
        register(module: module, functions)
        let stack = self.stack
        runShippedChunk(PackageResources.tasks_lua, chunkName: "=(tasks)") {
            _ = lua_getglobal(L, module)
            stack.push(module)
            stack.push(Int64(defaultConcurrency))
            stack.pushReference(anchors.errorMetatable)
            return 4
        }
    }
}
