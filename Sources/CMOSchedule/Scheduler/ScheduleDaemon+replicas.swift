import Foundation
import Logging

/// Schedule replicas: with a store that shares fires, every decision is the store's (``ScheduleStateStore/claimFire(_:)``
/// under the job's row lock), so several daemons running the same file fire each job once per fire time.
extension ScheduleDaemon {
    /// Makes this replica's definition of each job the journal's; says so when it replaces another.
    func registerDefinitions() async {
        for job in jobs {
            guard let hash = definitionHashes[job.name] else { continue }
            do {
                if let replaced = try await store.registerDefinition(job: job, definitionHash: hash) {
                    jobLogger(job.name).warning(
                        "this replica's definition of the job replaces another in the journal; replicas still running the other refuse to fire it",
                        metadata: ["definition": "\(hash.prefix(12))", "replaced": "\(replaced.prefix(12))"])
                }
            } catch {
                jobLogger(job.name).error("could not register the job's definition", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Claims a due fire from the store and carries out its answer.
    func fireShared(_ job: ScheduledJob, at fireTime: Date, catchUp: Bool, handledThrough: Date) async {
        let log = jobLogger(job.name)
        let request = FireClaimRequest(
            job: job, fireTime: fireTime, handledThrough: handledThrough, replica: configuration.replica,
            definitionHash: definitionHashes[job.name] ?? "")
        let result: FireClaimResult
        do {
            guard let answer = try await store.claimFire(request) else { return }
            result = answer
        } catch {
            log.error("could not claim the fire; not firing it", metadata: ["fire_time": "\(fireTime)", "error": "\(error)"])
            return
        }
        adopt(result.record, of: job)
        switch result.claim {
        case .start(let runID):
            launch(FireLaunch(job: job, fireTime: fireTime, runID: runID))
            log.info("starting run", metadata: ["fire_time": "\(fireTime)", "catch_up": "\(catchUp)", "run_id": "\(runID)"])
            emit(.started(job: job.name, fireTime: fireTime, catchUp: catchUp))
        case .queued:
            log.info("previous run still going; queued this fire (overlap = queue)", metadata: ["fire_time": "\(fireTime)"])
            emit(.queued(job: job.name, fireTime: fireTime))
        case .skipped(let reason):
            log.warning("skipping fire: \(reason)", metadata: ["fire_time": "\(fireTime)"])
            emit(.skipped(job: job.name, fireTime: fireTime, reason: reason))
        case .decidedElsewhere(let decision, let replica):
            log.debug(
                "fire already decided by a replica", metadata: ["fire_time": "\(fireTime)", "decision": "\(decision.rawValue)", "replica": "\(replica)"])
        case .refused(let stored):
            log.error(
                "not firing: this replica's definition of the job differs from the journal's (a replica was started with another schedule file); restart this replica with the same file",
                metadata: [
                    "fire_time": "\(fireTime)", "definition": "\((definitionHashes[job.name] ?? "").prefix(12))",
                    "journal_definition": "\(stored.prefix(12))",
                ])
        }
    }

    /// Records a run's end in the store and carries out what follows (a queued fire, a pause).
    func runFinishedShared(_ job: ScheduledJob, fireTime: Date, outcome: JobRunOutcome) async {
        let log = jobLogger(job.name)
        let count: FireEndRequest.Count =
            switch runEnd(of: outcome) {
            case .succeeded: .success
            case .failed: .failure
            case .stoppedByShutdown: .neither
            }
        let request = FireEndRequest(
            job: job, fireTime: fireTime, replica: configuration.replica, outcome: outcome, count: count,
            finishedAt: clock.now(), startsQueued: phase == .running)
        let metadata: Logger.Metadata = [
            "fire_time": "\(fireTime)", "run_id": "\(outcome.runID ?? "-")", "exit_code": "\(outcome.exitCode)",
        ]
        let result: FireEndResult
        do {
            // In a task of its own: the run's task may be cancelled (the shutdown's grace ran out), its end is
            // still recorded.
            result = try await Task { [store] in try await store.endFire(request) }.value
        } catch {
            log.error("could not record the run's end", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            emit(.finished(job: job.name, fireTime: fireTime, outcome: outcome))
            return
        }
        adopt(result.record, of: job)
        switch count {
        case .success: log.info("run succeeded", metadata: metadata)
        case .neither: log.notice("run stopped by the shutdown; not counted as a failure", metadata: metadata)
        case .failure:
            log.warning("run failed", metadata: metadata.merging(["consecutive_failures": "\(result.record.consecutiveFailures)"]) { $1 })
        }
        switch result.followUp {
        case .none:
            emit(.finished(job: job.name, fireTime: fireTime, outcome: outcome))
        case .startQueued(let queued, let runID):
            launch(FireLaunch(job: job, fireTime: queued, runID: runID))
            log.info("starting queued run", metadata: ["fire_time": "\(queued)", "run_id": "\(runID)"])
            emit(.finished(job: job.name, fireTime: fireTime, outcome: outcome))
            emit(.started(job: job.name, fireTime: queued, catchUp: false))
        case .pause(let failures, let dropped):
            nextFires[job.name] = nil
            log.error(
                "pausing job after \(failures) consecutive failures; resume it with 'cmo schedule resume FILE \(job.name)'",
                metadata: dropped.map { ["dropped_queued_fire": "\($0)"] } ?? [:])
            emit(.finished(job: job.name, fireTime: fireTime, outcome: outcome))
            emit(.paused(job: job.name, consecutiveFailures: failures))
        }
    }

    /// Takes the store's record as this replica's view of the job (status pages, pausing).
    func adopt(_ record: JobRecord, of job: ScheduledJob) {
        records[job.name] = record
        let wasPaused = states[job.name]?.paused == true
        states[job.name] = JobScheduleState(
            overlap: job.overlap, pauseAfterFailures: job.pauseAfterFailures,
            consecutiveFailures: record.consecutiveFailures, paused: record.paused)
        if record.paused, !wasPaused { nextFires[job.name] = nil }
    }

    /// Moves the job's watermark forward in the store (the rest of the record belongs to the claims).
    func persistShared(_ record: JobRecord) async {
        guard let through = record.scheduledThrough else { return }
        do {
            try await store.advanceScheduledThrough(job: record.name, to: through)
        } catch {
            jobLogger(record.name).error("could not save schedule state", metadata: ["error": "\(error)"])
        }
    }

    /// Every heartbeat interval: proves this replica alive for its runs, stops runs another replica took over,
    /// and takes over the fires of replicas that stopped proving it.
    func startReplicaLoop() {
        let interval = configuration.heartbeatInterval
        replicaTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await self.replicaRound()
            }
        }
    }

    /// One heartbeat (also while draining: runs in flight stay this replica's) and, while running, takeovers.
    func replicaRound() async {
        guard phase == .running || phase == .stopping else { return }
        do {
            let ours = Set(try await store.heartbeat(replica: configuration.replica))
            for (token, fireTime) in inFlightFires {
                guard let name = inFlightJobs[token], !ours.contains(FireKey(job: name, fireTime: fireTime)) else { continue }
                jobLogger(name).error(
                    "another replica took this fire over (this replica's heartbeat was too late); stopping the run",
                    metadata: ["fire_time": "\(fireTime)"])
                inFlight[token]?.cancel()
            }
        } catch {
            logger.error("could not send the replica's heartbeat", metadata: ["error": "\(error)"])
        }
        for job in jobs {
            guard phase == .running, let hash = definitionHashes[job.name] else { return }
            do {
                let taken = try await store.takeOverStaleFires(
                    job: job, replica: configuration.replica, definitionHash: hash, staleAfter: configuration.staleAfter)
                for fire in taken {
                    jobLogger(job.name).warning(
                        fire.resuming == nil
                            ? "taking over a fire whose replica stopped answering; its run had not begun, starting it"
                            : "taking over a fire whose replica stopped answering; resuming its run",
                        metadata: ["fire_time": "\(fire.fireTime)", "run_id": "\(fire.runID)", "resuming": "\(fire.resuming ?? "-")"])
                    launch(FireLaunch(job: job, fireTime: fire.fireTime, runID: fire.runID, resuming: fire.resuming))
                    emit(.started(job: job.name, fireTime: fire.fireTime, catchUp: false))
                }
            } catch {
                jobLogger(job.name).error("could not look for fires to take over", metadata: ["error": "\(error)"])
            }
        }
    }
}
