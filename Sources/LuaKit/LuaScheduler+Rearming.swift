import CLuaShim

extension LuaScheduler {
    /// Makes a scheduler whose run was stopped (a REPL entry interrupted by Ctrl-C) ready for the next run on the
    /// same state: the stop reason, a pending stop request and the interruption of the count hook are forgotten.
    /// Call it only after ``run(timeout:)`` returned; tasks of the stopped run have all ended by then.
    public func rearm() {
        guard stopReason != nil else { return }
        stopReason = nil
        stopError = nil
        state.stopRequest.clear()
        state.budget.pointee.interrupted = 0
    }
}
