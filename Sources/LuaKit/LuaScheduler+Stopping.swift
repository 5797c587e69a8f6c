import Dispatch

extension LuaScheduler {
    /// Stops the run for `reason`: ends waits with a `cancelled` error, ends tasks never started with
    /// `error` (default: one made of `reason`) and interrupts code that runs.
    func stop(_ reason: LuaStopReason, error: LuaError?) {
        guard stopReason == nil else { return }
        state.stopRequest.clear()
        stopReason = reason
        stopError = error ?? LuaError(reason.errorKind, reason.description)
        timer?.cancel()
        for task in inflight.values { task.cancel() }
        cancelled.append(contentsOf: inflight.values)
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

    /// Ends the run after task `record` spent a budget: it and every other task end with the budget's error.
    func stopForBudget(_ budget: LuaError.Kind, in record: LuaTaskRecord) {
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

    /// Nothing is ready and no work is in flight: every waiting task waits for another, so each gets an error.
    func resolveDeadlock() {
        for record in tasks.values where record.status == .waiting {
            record.generation += 1
            enqueue(
                record,
                .failure(LuaRaisedError("deadlock: every task is waiting for another task"), location: record.location))
        }
        for record in tasks.values { record.waiters.removeAll() }
    }
}
