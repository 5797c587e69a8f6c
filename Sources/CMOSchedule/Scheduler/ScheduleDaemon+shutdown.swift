import Foundation
import Logging

extension ScheduleDaemon {
    /// Stops firing: wakes the loop and drops queued fires.
    func beginStopping(grace: Duration?) {
        guard phase == .running else { return }
        phase = .stopping
        shutdownGrace = grace
        sleepTask?.cancel()
        for job in jobs {
            if let dropped = states[job.name]?.stop() {
                jobLogger(job.name).warning("shutting down; dropping queued fire", metadata: ["fire_time": "\(dropped)"])
            }
        }
    }

    /// Waits for in-flight runs, cancelling them when the grace period ends, then finishes.
    func drain() async {
        if !inFlight.isEmpty {
            logger.info("waiting for runs in flight", metadata: ["runs": "\(inFlight.count)"])
        }
        var graceTimer: Task<Void, Never>?
        if let grace = shutdownGrace, !inFlight.isEmpty {
            if grace <= .zero {
                cancelInFlight()
            } else {
                let deadline = clock.now().addingTimeInterval(grace.seconds)
                graceTimer = Task { [clock] in
                    do {
                        try await clock.sleep(until: deadline)
                    } catch {
                        return
                    }
                    self.cancelInFlight()
                }
            }
        }
        while let task = inFlight.values.first {
            await task.value
        }
        graceTimer?.cancel()
        phase = .stopped
        logger.info("scheduler stopped")
        finishEvents()
        let waiters = stopWaiters
        stopWaiters = []
        waiters.forEach { $0.resume() }
    }

    /// Cancels every in-flight launcher task.
    func cancelInFlight() {
        guard !inFlight.isEmpty else { return }
        logger.warning("shutdown grace period over; cancelling runs in flight", metadata: ["runs": "\(inFlight.count)"])
        inFlight.values.forEach { $0.cancel() }
    }
}
