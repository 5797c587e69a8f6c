import Logging
import NIOHTTP1

extension CMOClient {
    /// `GET monitor/{id}`.
    public func monitor(id: String) async throws(CMOError) -> Monitor {
        try await fetchMonitor(id: id).monitor
    }

    /// Polls a monitor until it completes.
    ///
    /// - Parameters:
    ///   - monitor: The monitor from `patch`, or one made with `Monitor(id:state:)`.
    ///   - timeout: How long to wait in all.
    ///   - interval: A fixed time between polls, instead of the configured growing schedule.
    /// - Returns: The completed monitor.
    /// - Throws: `CMOError` of kind `.monitorFailed` (with the reason and the monitor) when it ends `InError`,
    ///   `.monitorTimeout` when it is still running at the deadline, or a request error.
    public func awaitMonitor(
        _ monitor: Monitor, timeout: Duration = .seconds(120), interval: Duration? = nil
    ) async throws(CMOError) -> Monitor {
        let polling =
            interval.map { Configuration.MonitorPolling(initialInterval: $0, maximumInterval: $0, multiplier: 1) }
            ?? configuration.monitorPolling
        var machine = MonitorPollStateMachine(polling: polling, deadline: .now + timeout)
        var current = monitor
        var retryAfter: Duration?
        // A monitor handed in as final needs no request.
        if !monitor.state.isFinal || monitor.json.isNull {
            (current, retryAfter) = try await fetchMonitor(id: monitor.id)
        }
        while true {
            switch machine.polled(state: current.state, retryAfter: retryAfter, now: .now) {
            case .completed:
                return current
            case .failed:
                throw CMOError.monitorFailed(current)
            case .timedOut:
                throw CMOError.monitorTimedOut(current, after: timeout)
            case .poll(let delay):
                logger.trace("monitor in progress", metadata: ["monitor": "\(current.id)", "state": "\(current.state)"])
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw CMOError.cancelled("waiting for monitor \(current.id)")
                }
                (current, retryAfter) = try await fetchMonitor(id: current.id)
            }
        }
    }

    private func fetchMonitor(id: String) async throws(CMOError) -> (monitor: Monitor, retryAfter: Duration?) {
        let outcome = try await send(
            APIRequest(method: .GET, path: "monitor/\(PathEncoding.encodeSegment(id))", safety: .read))
        var monitor = try Monitor(json: Self.object(outcome, expecting: "a monitor object"))
        if monitor.id.isEmpty { monitor.id = id }
        return (monitor, outcome.retryAfter)
    }
}
