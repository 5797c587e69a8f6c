import CLua

extension LuaScheduler {
    /// Pushes `true, results...` or `false, error` of the finished task `id` onto `stack`; returns the count.
    func pushOutcome(of id: LuaTaskID, on stack: LuaStack) -> Int32 {
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
    func pushFailure(_ error: any Error, location place: String, on stack: LuaStack) {
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

    /// How the run ended: stopped, the main task's error or results, or the first unhandled task error.
    func outcome() -> LuaRunOutcome {
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
