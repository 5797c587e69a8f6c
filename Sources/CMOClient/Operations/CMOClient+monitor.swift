import Foundation
import Logging
import NIOHTTP1

extension CMOClient {
    /// `GET monitor/{id}`.
    ///
    /// - Parameter backend: The backend of the product the monitor is for, when known: the poll keeps that
    ///   backend's pace (else only the global one).
    public func monitor(id: String, backend: String? = nil) async throws(CMOError) -> Monitor {
        try await fetchMonitor(id: id, backend: backend).monitor
    }

    /// Polls a monitor until it completes.
    ///
    /// - Parameters:
    ///   - monitor: The monitor from `patch`, or one made with `Monitor(id:state:)`.
    ///   - timeout: How long to wait in all.
    ///   - interval: A fixed time between polls, instead of the configured growing schedule.
    ///   - backend: The backend of the product the monitor is for: polls keep that backend's pace. When nil, the
    ///     backend of the monitor's `sourceHref` is used once known, else polls keep only the global pace.
    /// - Returns: The completed monitor.
    /// - Throws: `CMOError` of kind `.monitorFailed` (with the reason and the monitor) when it ends `InError`,
    ///   `.monitorTimeout` when it is still running at the deadline, or a request error.
    public func awaitMonitor(
        _ monitor: Monitor, timeout: Duration = .seconds(120), interval: Duration? = nil, backend: String? = nil
    ) async throws(CMOError) -> Monitor {
        let polling =
            interval.map { Configuration.MonitorPolling(initialInterval: $0, maximumInterval: $0, multiplier: 1) }
            ?? configuration.monitorPolling
        // The caller waits on a continuation while the client's poller does the requests (see MonitorPoller).
        return try await monitors.wait(
            for: monitor, backend: backend ?? Self.backend(of: monitor), polling: polling, timeout: timeout)
    }

    /// `GET monitor/{id}`: the monitor and the server's `Retry-After`.
    func fetchMonitor(id: String, backend: String?) async throws(CMOError) -> (
        monitor: Monitor, retryAfter: Duration?
    ) {
        let outcome = try await send(
            APIRequest(
                method: .GET, path: "monitor/\(PathEncoding.encodeSegment(id))", safety: .read, backendHint: backend))
        var monitor = try Monitor(json: Self.object(outcome, expecting: "a monitor object"))
        if monitor.id.isEmpty { monitor.id = id }
        return (monitor, outcome.retryAfter)
    }
}

extension CMOClient {
    /// The backend of the product a monitor's `sourceHref` names (`.../product/TMSP-8949...-simCard` → TMSP).
    static func backend(of monitor: Monitor) -> String? {
        guard let href = monitor.sourceHref, let range = href.range(of: "/product/", options: .backwards) else {
            return nil
        }
        return APIRequest.backend(ofPath: "product/" + href[range.upperBound...])
    }
}
