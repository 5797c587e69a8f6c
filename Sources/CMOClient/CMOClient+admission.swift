extension CMOClient {
    /// Admits a new item of work (a `cmo.parallel` item) at once when requests are not queueing for in-flight
    /// slots; `false` when it should wait with ``admitWork()``. Every admitted item ends with ``workEnded()``.
    ///
    /// Items waiting on monitors or sleeps hold no slot and never hold back new work; items queued for a slot hold
    /// their request's frames, so new work waits while the queue is as long as the in-flight cap.
    public func tryAdmitWork() -> Bool { limiter.tryAdmitWork() }

    /// Waits until a new item of work may start (see ``tryAdmitWork()``); returns at once when cancelled.
    public func admitWork() async { await limiter.admitWork() }

    /// An admitted item of work ended.
    public func workEnded() { limiter.workEnded() }
}
