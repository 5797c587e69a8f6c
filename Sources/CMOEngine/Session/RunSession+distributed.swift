import CMOClient
import CMOJournal
import Foundation
import LuaKit
import Synchronization

extension RunSession {
    /// `cmo run --distributed`: the coordinator of a run spread over workers. It runs the workflow's plan once,
    /// stores the items cut into shards with the script and the run's settings, works on shards itself (unless
    /// `--no-local-worker`), shows progress across workers and ends the run with its exit code: 0, 3 with failed
    /// changes, 4 stopped, 1 when a shard's script failed. `--resume RUN_ID` picks up a distributed run whose
    /// coordinator died or was stopped: no new plan, the shards where they are.
    func runDistributed(_ distribution: Configuration.Distribution) async -> CMOExitCode {
        guard case .postgres(let location) = configuration.journal else {
            console.report("error: --distributed needs a PostgreSQL journal, shared by the workers: give --journal postgres://USER@HOST/DB")
            return .usage
        }
        let api: APISource.Resolved
        do {
            api = try configuration.api.resolve()
        } catch {
            console.report("error: \(error.message)")
            return error.exitCode
        }
        let requestTimeout = api.configuration?.timeout.request ?? .seconds(60)
        if distribution.localWorker, let grace = distribution.grace, grace <= requestTimeout {
            console.report(
                "error: --lease-grace must be longer than the API's request timeout (\(requestTimeout)): a request of a worker that lost its lease could still arrive")
            return .usage
        }
        switch configuration.script {
        case .resume(let runID, _):
            let journal: PostgresJournal
            do {
                journal = try await PostgresJournal.open(location, logger: logger)
            } catch {
                console.report("error: \(error.message) (choose another with --journal URL)")
                return .usage
            }
            defer { Task { await journal.close() } }
            let run: RunEntry
            do {
                run = try await journal.run(runID)
                guard try await journal.distributedRun(run.id) != nil else {
                    console.report("error: run \(run.id) is not a distributed run: resume it without --distributed")
                    return .usage
                }
                try await journal.clearStop(runID: run.id)
            } catch {
                console.report("error: \(error.message)")
                return .usage
            }
            console.report("cmo: resuming distributed run \(run.id)")
            return await coordinate(run.id, journal: journal, distribution, api: api)
        case .file:
            return await planDistributed(distribution, api: api)
        case .interactive:
            preconditionFailure("an interactive session is not distributed")
        }
    }

    /// Runs the plan, stores its items in shards, then coordinates.
    private func planDistributed(_ distribution: Configuration.Distribution, api: APISource.Resolved) async -> CMOExitCode {
        let prepared: Prepared
        switch await prepareReporting() {
        case .success(let value): prepared = value
        case .failure(let failed): return failed.code
        }
        guard let runJournal = prepared.options.journal, let journal = runJournal.journal as? PostgresJournal else {
            console.report("error: --distributed needs a PostgreSQL journal")
            return .usage
        }
        var options = prepared.options
        options.phase = .plan
        let runner = ScriptRunner(options: options, logger: logger, output: console.printLine)
        attach(runner.stopper)
        let started = ContinuousClock.now
        var result = await runner.run()
        let items = runner.plannedItems
        if result.exitCode == .success, items == nil {
            result = RunResult(
                outcome: result.outcome, exitCode: .scriptError, errorReport: "the plan's items could not be read")
        }
        guard result.exitCode == .success, let items else {
            await finish(prepared, runner: runner, result: result, seconds: (ContinuousClock.now - started).seconds)
            return result.exitCode
        }
        let script = LuaSourceFile.read(options.scriptPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let settings = DistributedSettings(
            vars: options.vars, dryRun: options.dryRun, guards: options.guards, concurrency: options.concurrency,
            monitorTimeout: options.monitorTimeout, limits: options.limits)
        let runID = runJournal.run.id
        do {
            let shards = try await journal.createDistributedRun(
                runID: runID, items: items, shardSize: distribution.shardSize,
                plan: DistributedRunPlan(
                    scriptName: options.scriptPath, script: script, settings: settings.json(),
                    maxChanges: settings.maxChanges))
            let unique = Set(items.map(\.productID)).count
            console.report(
                "cmo: run \(runID): \(unique) items in \(shards) shards of up to \(distribution.shardSize); more workers: "
                    + "cmo worker --journal \(journal.location) --run \(runID)")
        } catch {
            console.report("error: \(error.message)")
            try? await runJournal.finish(exitCode: CMOExitCode.scriptError.rawValue, stopReason: error.message, report: runner.report)
            return .scriptError
        }
        return await coordinate(runID, journal: journal, distribution, api: api)
    }

    /// Waits for run `runID`'s shards to be done (working on them too, unless `--no-local-worker`), showing
    /// progress; a stop (SIGINT, `--timeout`) tells every worker through the journal and waits for the shards in
    /// hand to be given back. Records the run's end.
    private func coordinate(
        _ runID: String, journal: PostgresJournal, _ distribution: Configuration.Distribution,
        api: APISource.Resolved
    ) async -> CMOExitCode {
        let localWorker: DistributedWorker? =
            distribution.localWorker
            ? DistributedWorker(
                configuration: DistributedWorker.Configuration(
                    runID: runID, lease: distribution.lease, grace: distribution.grace, api: api.configuration,
                    apiUnavailable: api.unavailable, modulePaths: configuration.modulePaths, poll: distribution.poll,
                    reportsShards: false),
                journal: journal, logger: logger, report: console.report)
            : nil
        let stopped = Mutex<String?>(nil)
        attach { reason in
            let first = stopped.withLock { state -> Bool in
                guard state == nil else { return false }
                state = reason
                return true
            }
            guard first else { return }
            Task { try? await journal.requestStop(runID: runID, reason: reason) }
            localWorker?.stop(reason)
        }
        let working = localWorker.map { worker in Task { await worker.run() } }
        let started = ContinuousClock.now
        var progress = DistributedProgress(mode: configuration.progress)
        var shards: [ShardRow] = []
        var record: DistributedRunRecord?
        while true {
            if let timeout = configuration.timeout, (ContinuousClock.now - started).seconds > timeout {
                stop("--timeout \(timeout) s reached")
            }
            if let rows = try? await journal.shards(runID: runID), let read = try? await journal.distributedRun(runID) {
                shards = rows
                record = read
                if let line = progress.line(for: rows, now: .now) { console.report(line) }
                let open = rows.filter { $0.state != .done }
                if open.isEmpty { break }
                if read.stopReason != nil, !open.contains(where: \.leaseRunning) { break }
            }
            try? await Task.sleep(for: distribution.poll)
        }
        localWorker?.stop("the run ended")
        _ = await working?.value
        return await end(runID, journal: journal, shards: shards, record: record, ephemeralAPI: api.isEphemeral)
    }

    /// The run's end from its shards: the summary, the exit code, the journal's row, the resume hint.
    private func end(
        _ runID: String, journal: PostgresJournal, shards: [ShardRow], record: DistributedRunRecord?, ephemeralAPI: Bool
    ) async -> CMOExitCode {
        var counts: [String: Int] = [:]
        for shard in shards { counts.merge(shard.counts, uniquingKeysWith: +) }
        let errors = shards.compactMap { shard in shard.error.map { "shard \(shard.shard): \($0)" } }
        let unfinished = shards.filter { $0.state != .done }.count
        let failed = counts.reduce(0) { total, entry in
            let failure = ChangeRecord.Outcome(rawValue: entry.key).map { $0.isFailure || $0 == .intent } ?? false
            return total + (failure ? entry.value : 0)
        }
        let code: CMOExitCode =
            if !errors.isEmpty { .scriptError }
            else if unfinished > 0 || record?.stopReason != nil { .stopped }
            else if failed > 0 { .operationsFailed }
            else { .success }
        let owners = Set(shards.compactMap(\.owner)).sorted()
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        console.report(
            "cmo: run \(runID): \(shards.count - unfinished) of \(shards.count) shards done by \(owners.count) "
                + "worker\(owners.count == 1 ? "" : "s"); changes in the shards done: \(summary.isEmpty ? "none" : summary)")
        for error in errors { console.report("cmo: \(error)") }
        let reason = errors.first ?? (code == .stopped ? record?.stopReason ?? "stopped" : nil)
        if code == .stopped { console.report("cmo: stopped: \(reason ?? "stopped")") }
        do {
            try await journal.finish(
                runID: runID, exitCode: code.rawValue, stopReason: reason.map { String($0.prefix { $0 != "\n" }) },
                counts: counts)
        } catch {
            console.report("cmo: warning: \(error.message)")
        }
        // None against an in-process simulator (--sim): its state ended with this process.
        if code == .stopped || code == .operationsFailed, !ephemeralAPI {
            console.report("cmo: resume with: cmo run --resume \(runID) --distributed --journal \(journal.location)")
        }
        return code
    }
}
