import Foundation
import CMOSchedule

/// A launcher the test controls: each run stays open until the test finishes it (or the run's
/// task is cancelled, which ends it with exit code 130).
actor LaunchProbe {
    static let cancelled = JobRunOutcome(runID: nil, exitCode: 130, succeeded: false)

    private var waiting: [String: CheckedContinuation<JobRunOutcome, Never>] = [:]
    private var preset: [String: JobRunOutcome] = [:]
    /// `job@epoch-seconds` of every launch, in order.
    private(set) var launches: [String] = []

    nonisolated func key(_ job: String, _ fireTime: Date) -> String {
        "\(job)@\(Int(fireTime.timeIntervalSince1970))"
    }

    nonisolated var launcher: ScheduleDaemon.Launcher {
        { job, fireTime in await self.launch(job.name, fireTime) }
    }

    func launch(_ job: String, _ fireTime: Date) async -> JobRunOutcome {
        let key = key(job, fireTime)
        launches.append(key)
        if let outcome = preset.removeValue(forKey: key) { return outcome }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { waiting[key] = $0 }
        } onCancel: {
            Task { await self.cancel(key) }
        }
    }

    /// Ends the run of `job` for `fireTime` (now, or as soon as it is launched).
    func finish(_ job: String, at fireTime: Date, _ outcome: JobRunOutcome) {
        let key = key(job, fireTime)
        if let continuation = waiting.removeValue(forKey: key) {
            continuation.resume(returning: outcome)
        } else {
            preset[key] = outcome
        }
    }

    private func cancel(_ key: String) {
        waiting.removeValue(forKey: key)?.resume(returning: Self.cancelled)
    }
}

extension JobRunOutcome {
    static func success(_ id: String) -> JobRunOutcome { JobRunOutcome(runID: id, exitCode: 0, succeeded: true) }
    static func failure(_ id: String) -> JobRunOutcome { JobRunOutcome(runID: id, exitCode: 1, succeeded: false) }
}
