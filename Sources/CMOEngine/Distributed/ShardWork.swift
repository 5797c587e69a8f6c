import CMOJournal
import Foundation
import Logging
import Synchronization

/// One claimed shard, from its items to its end: the apply over its items in a runner of its own, the lease held
/// beside it (renewed every heartbeat, the run's stop flag looked at every poll), and the end: done with its
/// counts, given back when the worker or the run is stopping, left alone when the lease is lost.
struct ShardWork: Sendable {
    let worker: DistributedWorker
    let claim: ShardClaim
    let claimSentAt: ContinuousClock.Instant

    private var fence: ShardFence { claim.fence }
    private var journal: PostgresJournal { worker.journal }
    private var name: String { worker.configuration.name }

    /// How the shard's lease ended, as the lease keeper saw it.
    enum Ending: Sendable {
        case held
        case lost(String)
        case stopRequested(String)
    }

    /// The lease, shared by the keeper's ticks and its renewals.
    final class LeaseBox: Sendable {
        let state: Mutex<ShardLease>

        init(_ lease: ShardLease) {
            state = Mutex(lease)
        }
    }

    /// The ending, shared by the lease keeper and the shard's end: set once, from `held`.
    final class EndingBox: Sendable {
        private let state = Mutex(Ending.held)

        /// Sets `ending` if nothing ended yet; whether it did.
        func end(_ ending: Ending) -> Bool {
            state.withLock { state in
                guard case .held = state else { return false }
                state = ending
                return true
            }
        }

        var value: Ending { state.withLock { $0 } }
    }

    /// Runs the shard; true when it was ended here (done), false when it was lost or given back.
    func run() async -> Bool {
        let label = "shard \(fence.shard) of run \(fence.runID) (epoch \(fence.epoch))"
        let lease = LeaseBox(
            ShardLease(shard: fence.shard, epoch: fence.epoch, claimSentAt: claimSentAt, terms: worker.configuration.lease))
        let prepared: (RunOptions, DistributedSettings)
        do {
            prepared = try await options(lease: lease)
        } catch {
            worker.report("cmo worker \(name): cannot start \(label): \(error.message)")
            // Given back: another try (here or elsewhere) may read the journal again.
            _ = try? await journal.returnShard(fence, worker: name)
            return false
        }
        let (options, settings) = prepared
        let runner = ScriptRunner(options: options, logger: worker.logger) { line in
            worker.report(line)
        }
        let stopper = runner.stopper
        worker.attach(stopper)
        let ending = EndingBox()
        let keeper = Task { await keepLease(lease, stopper: stopper, ending: ending) }
        let started = ContinuousClock.now
        let result = await runner.run()
        keeper.cancel()
        await keeper.value
        worker.attach(nil)
        let seconds = (ContinuousClock.now - started).seconds
        let counts = Dictionary(uniqueKeysWithValues: runner.report.counts.map { ($0.key.rawValue, $0.value) })
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        // A lease that ran out by this worker's clock while the runner ended counts as lost, whatever the runner
        // says: some of its changes may have been refused a request.
        if !lease.state.withLock({ $0.maySend(at: .now) }) || options.journal?.leaseLost == true {
            _ = ending.end(.lost("its deadline passed"))
        }
        if case .lost(let why) = ending.value {
            worker.report("cmo worker \(name): \(label) lost (\(why)): left to its next holder")
            return false
        }
        if result.exitCode == .stopped || runner.report.tripped != nil {
            // Stopped part way (the worker or the run told to stop, a guard, a limit of the Lua state): the shard
            // is given back, to be resumed; a guard or a limit stops the whole run.
            let why: String
            if case .stopRequested(let reason) = ending.value {
                why = reason
            } else if let reason = worker.stopReason {
                why = reason
            } else {
                why = runner.report.tripped ?? result.errorReport ?? "stopped"
                _ = try? await journal.requestStop(runID: fence.runID, reason: why)
            }
            _ = try? await journal.returnShard(fence, worker: name)
            worker.report("cmo worker \(name): \(label) given back (\(why))")
            return false
        }
        let error: String? = result.exitCode == .scriptError || result.exitCode == .usage
            ? result.errorReport ?? "the script failed" : nil
        let ended = (counts["changed"] ?? 0) + (counts["failed"] ?? 0)
        do {
            guard
                try await journal.finishShard(
                    fence, worker: name, counts: counts, ended: ended, failed: counts["failed"] ?? 0, error: error)
            else {
                worker.report("cmo worker \(name): \(label) was taken over before it could be ended")
                return false
            }
        } catch {
            worker.report("cmo worker \(name): cannot end \(label): \(error.message)")
            return false
        }
        if worker.configuration.reportsShards || error != nil {
            worker.report(
            "cmo worker \(name): \(label) done: \(summary.isEmpty ? "no changes" : summary) in "
                + String(format: "%.1f s", seconds))
        }
        if let error { worker.report("cmo worker \(name): \(label): \(error)") }
        await checkFailureRate(settings)
        return true
    }

    /// The runner's options for this shard: the run's script and settings, the shard's items, the fenced journal
    /// (with what earlier holders of the shard recorded, when it was claimed before).
    private func options(lease: LeaseBox) async throws(JournalError) -> (RunOptions, DistributedSettings) {
        guard let record = try await journal.distributedRun(fence.runID) else {
            throw JournalError(.unknownRun, "run \(fence.runID) is not a distributed run")
        }
        guard let settings = DistributedSettings(json: record.plan.settings) else {
            throw JournalError(.storage, "run \(fence.runID)'s settings are not readable by this cmo: upgrade it")
        }
        let run = try await journal.run(fence.runID)
        let items = try await journal.shardItems(fence)
        let prior = fence.epoch > 1 ? try await journal.latestChanges(rootID: run.rootID, shard: fence.shard) : [:]
        let configuration = worker.configuration
        var options = RunOptions(
            scriptPath: record.plan.scriptName, vars: settings.vars, concurrency: settings.concurrency,
            limits: settings.limits, modulePaths: configuration.modulePaths, api: configuration.api,
            apiUnavailable: configuration.apiUnavailable, dryRun: settings.dryRun, guards: settings.guards,
            monitorTimeout: settings.monitorTimeout,
            journal: RunJournal.shard(
                of: run, in: journal, fence: fence, worker: configuration.name, maxChanges: settings.maxChanges,
                prior: prior, maySend: { lease.state.withLock { $0.maySend(at: .now) } }))
        options.phase = RunOptions.WorkflowPhase.apply(items)
        options.scriptSource = record.plan.script
        options.testsEveryStatus = true
        return (options, settings)
    }

    /// Holds the lease while the shard runs: a tick at every heartbeat or deadline (and every poll, to see a stop
    /// of the run), each renewal in a task of its own so that a database that hangs cannot hold the deadline back.
    /// At the deadline the runner stops at once: no new request goes out.
    private func keepLease(_ lease: LeaseBox, stopper: RunStopper, ending: EndingBox) async {
        let (journal, fence, name) = (self.journal, self.fence, self.name)
        let poll = worker.configuration.poll
        var lastStopCheck = ContinuousClock.now
        var renewals: [Task<Void, Never>] = []
        defer { for renewal in renewals { renewal.cancel() } }
        @Sendable func apply(_ actions: [ShardLease.Action], why: String) {
            guard actions.contains(.stopSending) else { return }
            if ending.end(.lost(why)) { Task { await stopper.stop("the lease of shard \(fence.shard) was lost (\(why))", grace: .zero) } }
        }
        while !Task.isCancelled {
            guard let wake = lease.state.withLock({ $0.nextWake }) else { return }
            let now = ContinuousClock.now
            try? await Task.sleep(until: min(wake, now + poll), clock: .continuous)
            if Task.isCancelled { return }
            let tickAt = ContinuousClock.now
            let actions = lease.state.withLock { $0.handle(.tick(now: tickAt)) }
            apply(actions, why: "its deadline passed before a renewal was answered")
            if actions.contains(.renew) {
                renewals.append(Task {
                    let sent = ContinuousClock.now
                    let event: ShardLease.Event
                    do {
                        event = try await journal.renewLease(fence, worker: name, lease: lease.state.withLock { $0.terms.duration })
                            ? .renewed(sentAt: sent) : .refused
                    } catch {
                        event = .renewalFailed
                    }
                    let after = lease.state.withLock { $0.handle(event) }
                    apply(after, why: "another worker holds it now")
                })
            }
            if tickAt - lastStopCheck >= poll {
                lastStopCheck = tickAt
                if let reason = try? await journal.distributedRun(fence.runID)?.stopReason {
                    if ending.end(.stopRequested(reason)) { Task { await stopper.stop(reason) } }
                }
            }
        }
    }

    /// After a shard: the run's failure rate across all workers' shards; past `--max-failure-rate`, the run stops.
    private func checkFailureRate(_ settings: DistributedSettings) async {
        guard let limit = settings.maxFailureRate,
            let record = try? await journal.distributedRun(fence.runID),
            record.changesEnded >= settings.minimumForRate, record.changesEnded > 0
        else { return }
        let rate = Double(record.changesFailed) / Double(record.changesEnded)
        guard rate > limit else { return }
        let reason = String(
            format: "--max-failure-rate %.2f exceeded across the run's workers: %d of %d changes failed (%.0f%%)", limit,
            record.changesFailed, record.changesEnded, rate * 100)
        _ = try? await journal.requestStop(runID: fence.runID, reason: reason)
        worker.report("cmo worker \(name): \(reason)")
    }
}
