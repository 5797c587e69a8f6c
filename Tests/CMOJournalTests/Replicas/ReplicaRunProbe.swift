import CMOSchedule
import Foundation

/// The runs of several replicas' daemons, started in this process: each stays open until the test ends it, and the
/// probe counts how many runs of each job are open at once.
actor ReplicaRunProbe {
    struct Launch: Sendable, Equatable {
        var replica: String
        var job: String
        var fireTime: Date
        var runID: String?
        var resuming: String?
    }

    private(set) var launches: [Launch] = []
    private(set) var maxOpen: [String: Int] = [:]
    private var open: [String: Int] = [:]
    private var waiting: [Int: CheckedContinuation<JobRunOutcome, Never>] = [:]
    private var finishAtOnce = false
    /// The outcome of runs ended by ``finish(_:)`` and ``finishAll()``.
    var outcome = JobRunOutcome(runID: nil, exitCode: 0, succeeded: true)

    /// The launcher of replica `replica`.
    nonisolated func launcher(_ replica: String) -> ScheduleDaemon.FireLauncher {
        { launch in await self.run(replica, launch) }
    }

    private func run(_ replica: String, _ launch: FireLaunch) async -> JobRunOutcome {
        let index = launches.count
        launches.append(Launch(replica: replica, job: launch.job.name, fireTime: launch.fireTime, runID: launch.runID, resuming: launch.resuming))
        open[launch.job.name, default: 0] += 1
        maxOpen[launch.job.name] = max(maxOpen[launch.job.name] ?? 0, open[launch.job.name] ?? 0)
        var result = outcome
        if !finishAtOnce {
            result = await withCheckedContinuation { waiting[index] = $0 }
        }
        open[launch.job.name, default: 0] -= 1
        result.runID = launch.runID
        return result
    }

    /// Ends the open runs `which` picks (by launch index).
    func finish(where which: (Int, Launch) -> Bool) {
        for (index, continuation) in waiting where which(index, launches[index]) {
            waiting[index] = nil
            continuation.resume(returning: outcome)
        }
    }

    /// Ends every open run, and every run launched from now on at once.
    func finishAll() {
        finishAtOnce = true
        finish { _, _ in true }
    }

    /// How many runs are open.
    var openCount: Int { waiting.count }
}
