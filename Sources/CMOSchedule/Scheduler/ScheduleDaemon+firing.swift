import Foundation
import Logging

extension ScheduleDaemon {
    /// Loads every job's record and applies the catch-up rule.
    func startUp() async {
        let now = clock.now()
        if shared { await registerDefinitions() }
        for job in jobs {
            let log = jobLogger(job.name)
            var stored: JobRecord?
            do {
                stored = try await store.load(job: job.name)
            } catch {
                log.error("could not load schedule state; treating the job as new", metadata: ["error": "\(error)"])
            }
            if let stored {
                records[job.name] = stored
                states[job.name] = JobScheduleState(
                    overlap: job.overlap,
                    pauseAfterFailures: job.pauseAfterFailures,
                    consecutiveFailures: stored.consecutiveFailures,
                    paused: stored.paused
                )
            }
            let decision = StartupDecision(job: job, record: stored, now: now)
            switch decision {
            case .firstSeen:
                log.info("new job; scheduling from now, nothing to catch up")
                records[job.name]?.scheduledThrough = now
                await persist(job.name)
            case .paused:
                log.warning("job is paused after repeated failures; resume it with 'cmo schedule resume FILE \(job.name)'")
            case .upToDate:
                break
            case .dropMissed(let firstMissed):
                log.warning("dropping fires missed while not running (catch_up = none)", metadata: ["first_missed": "\(firstMissed)"])
                records[job.name]?.scheduledThrough = now
                await persist(job.name)
                emit(.missed(job: job.name, firstMissed: firstMissed))
            case .missedOutsideWindow(let firstMissed):
                log.warning(
                    "missed fires are older than the catch-up window; not catching up",
                    metadata: ["first_missed": "\(firstMissed)", "catch_up_window": "\(job.catchUpWindow)"]
                )
                records[job.name]?.scheduledThrough = now
                await persist(job.name)
                emit(.missed(job: job.name, firstMissed: firstMissed))
            case .catchUp(let missedFire):
                log.info("catching up the last missed fire", metadata: ["fire_time": "\(missedFire)"])
                await fire(job, at: missedFire, catchUp: true, handledThrough: now)
            }
            if states[job.name]?.paused != true, let next = job.nextFire(after: now) {
                nextFires[job.name] = next
            }
        }
    }

    /// Fires every job whose next fire time has come. If the clock jumped past several fires of a
    /// job (a suspended machine), only the latest is fired and the others are logged.
    func processDueFires() async {
        let now = clock.now()
        for job in jobs {
            if states[job.name]?.paused == true {
                await recheckPaused(job)
                continue
            }
            guard let due = nextFires[job.name], due <= now else { continue }
            var fireTime = due
            var passedOver = 0
            while let later = job.nextFire(after: fireTime), later <= now {
                passedOver += 1
                fireTime = later
            }
            if passedOver > 0 {
                jobLogger(job.name).warning("woke late; dropping earlier fires", metadata: ["dropped": "\(passedOver)"])
            }
            nextFires[job.name] = job.nextFire(after: fireTime)
            await fire(job, at: fireTime, catchUp: false, handledThrough: fireTime)
            guard phase == .running else { return }
        }
    }

    /// Applies the overlap rule to one due fire and launches, queues or skips it.
    func fire(_ job: ScheduledJob, at fireTime: Date, catchUp: Bool, handledThrough: Date) async {
        if shared {
            await fireShared(job, at: fireTime, catchUp: catchUp, handledThrough: handledThrough)
            return
        }
        guard var state = states[job.name] else { return }
        let action = state.fireDue(at: fireTime)
        states[job.name] = state
        let log = jobLogger(job.name)
        // The watermark never moves backwards.
        let through = records[job.name]?.scheduledThrough ?? handledThrough
        records[job.name]?.scheduledThrough = max(through, handledThrough)
        switch action {
        case .start:
            records[job.name]?.lastFireTime = fireTime
            launch(FireLaunch(job: job, fireTime: fireTime))
            log.info("starting run", metadata: ["fire_time": "\(fireTime)", "catch_up": "\(catchUp)"])
            await persist(job.name)
            emit(.started(job: job.name, fireTime: fireTime, catchUp: catchUp))
        case .enqueue:
            log.info("previous run still going; queued this fire (overlap = queue)", metadata: ["fire_time": "\(fireTime)"])
            await persist(job.name)
            emit(.queued(job: job.name, fireTime: fireTime))
        case .skip(let reason):
            log.warning("skipping fire: \(reason)", metadata: ["fire_time": "\(fireTime)"])
            await persist(job.name)
            emit(.skipped(job: job.name, fireTime: fireTime, reason: reason))
        }
    }

    /// Starts the launcher for one fire in its own task, tracked until it finishes.
    func launch(_ run: FireLaunch) {
        let token = nextRunToken
        nextRunToken += 1
        let launcher = self.launcher
        inFlight[token] = Task {
            let outcome = await launcher(run)
            await self.runFinished(run.job, fireTime: run.fireTime, token: token, outcome: outcome)
        }
        inFlightJobs[token] = run.job.name
        inFlightFires[token] = run.fireTime
    }

    /// Records a finished run and carries out the state machine's follow-up (queued fire, pause).
    func runFinished(_ job: ScheduledJob, fireTime: Date, token: Int, outcome: JobRunOutcome) async {
        // The run counts as in flight until its record is saved: a shutdown waits for in-flight runs, and must
        // not end the process between the run's end and the save (actor reentrancy at `persist`).
        defer {
            inFlight[token] = nil
            inFlightJobs[token] = nil
            inFlightFires[token] = nil
        }
        if shared {
            await runFinishedShared(job, fireTime: fireTime, outcome: outcome)
            return
        }
        guard var state = states[job.name] else { return }
        let end = runEnd(of: outcome)
        let action = state.runFinished(end)
        states[job.name] = state
        let log = jobLogger(job.name)
        records[job.name]?.lastRunID = outcome.runID
        records[job.name]?.lastExitCode = outcome.exitCode
        records[job.name]?.lastSucceeded = outcome.succeeded
        records[job.name]?.lastFinishedAt = clock.now()
        records[job.name]?.consecutiveFailures = state.consecutiveFailures
        records[job.name]?.paused = state.paused
        let metadata: Logger.Metadata = [
            "fire_time": "\(fireTime)", "run_id": "\(outcome.runID ?? "-")", "exit_code": "\(outcome.exitCode)",
        ]
        switch end {
        case .succeeded:
            log.info("run succeeded", metadata: metadata)
        case .stoppedByShutdown:
            log.notice("run stopped by the shutdown; not counted as a failure", metadata: metadata)
        case .failed:
            log.warning("run failed", metadata: metadata.merging(["consecutive_failures": "\(state.consecutiveFailures)"]) { $1 })
        }
        if case .startQueued(let queuedFire) = action {
            records[job.name]?.lastFireTime = queuedFire
            launch(FireLaunch(job: job, fireTime: queuedFire))
            log.info("starting queued run", metadata: ["fire_time": "\(queuedFire)"])
        }
        if case .pause(let failures, let dropped) = action {
            nextFires[job.name] = nil
            log.error(
                "pausing job after \(failures) consecutive failures; resume it with 'cmo schedule resume FILE \(job.name)'",
                metadata: dropped.map { ["dropped_queued_fire": "\($0)"] } ?? [:]
            )
        }
        await persist(job.name)
        emit(.finished(job: job.name, fireTime: fireTime, outcome: outcome))
        switch action {
        case .startQueued(let queuedFire):
            emit(.started(job: job.name, fireTime: queuedFire, catchUp: false))
        case .pause(let failures, _):
            emit(.paused(job: job.name, consecutiveFailures: failures))
        case .none:
            break
        }
    }

    /// How a run's end counts: a run stopped while the daemon shuts down (its SIGTERM reached the run, or the
    /// grace period ran out) is no failure of the job.
    func runEnd(of outcome: JobRunOutcome) -> JobScheduleState.RunEnd {
        if outcome.succeeded { return .succeeded }
        return outcome.stopped && phase != .running ? .stoppedByShutdown : .failed
    }

    /// Re-reads a paused job's record; if another process resumed it, resume here too.
    func recheckPaused(_ job: ScheduledJob) async {
        guard configuration.pausedRecheckInterval != nil else { return }
        guard let stored = try? await store.load(job: job.name), !stored.paused else { return }
        guard var state = states[job.name], state.paused else { return }
        state.resume()
        states[job.name] = state
        await markResumed(job)
    }

    /// Persists and announces a resume, and plans the job's next fire.
    func markResumed(_ job: ScheduledJob) async {
        let now = clock.now()
        if shared {
            do {
                try await store.resume(job: job.name)
            } catch {
                jobLogger(job.name).error("could not save schedule state", metadata: ["error": "\(error)"])
            }
        }
        records[job.name]?.paused = false
        records[job.name]?.consecutiveFailures = 0
        records[job.name]?.scheduledThrough = now
        nextFires[job.name] = job.nextFire(after: now)
        jobLogger(job.name).info("job resumed")
        await persist(job.name)
        emit(.resumed(job: job.name))
        sleepTask?.cancel()
    }
}
