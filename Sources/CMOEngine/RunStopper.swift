import LuaKit

/// Stops a run gently from any thread (SIGINT, SIGTERM): no new change request goes out, the ones in flight get
/// their answers (and the journal records them), then the run stops (exit 4). Monitors still being polled stay
/// `accepted` in the journal, and a resumed run polls them.
public struct RunStopper: Sendable {
    let report: RunReport
    let control: LuaScheduler.Control

    /// Drains, waiting at most `grace` for the answers of requests in flight, then stops with `reason`.
    public func stop(_ reason: String, grace: Duration = .seconds(30)) async {
        report.drain(reason)
        let deadline = ContinuousClock.now + grace
        while report.sendsInFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        control.stop(.requested(reason))
    }
}
