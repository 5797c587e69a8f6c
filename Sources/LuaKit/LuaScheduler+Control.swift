extension LuaScheduler {
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

    /// The handle that stops this scheduler from elsewhere.
    public var control: Control { Control(sink: sink, request: state.stopRequest) }
}
