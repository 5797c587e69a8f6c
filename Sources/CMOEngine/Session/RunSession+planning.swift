import CMOJournal
import LuaKit

extension RunSession {
    /// A run ready to start: its options (with the journal started) and whether its API forgets everything when
    /// this process ends.
    struct Prepared {
        var options: RunOptions
        var ephemeralAPI: Bool
    }

    /// Plans the run and checks everything it needs before it starts: the script and input files, the API, the
    /// journal. Throws on the first problem, before a run row is written (a new run's journal file is not even
    /// opened until the rest is checked).
    func prepare() async throws(RunSessionError) -> Prepared {
        var (plan, journal) = try await makePlan()
        let api = try configuration.api.resolve()
        for warning in api.warnings { console.report("cmo: \(warning)") }
        if journal == nil, let opened = try await openJournal() {
            journal = opened
            plan = plan.journaled(as: configuration.runID ?? RunEntry.makeID(), job: configuration.job)
        }
        var options = options(script: plan.script, vars: plan.vars, inputs: plan.inputs, dryRun: plan.dryRun, api: api)
        if let journal, let entry = plan.entry {
            do {
                options.journal = try await RunJournal.start(entry, in: journal)
            } catch {
                throw RunSessionError.journal(error, alternative: "choose another with --journal PATH, or --no-journal")
            }
        }
        return Prepared(options: options, ephemeralAPI: api.isEphemeral)
    }

    /// ``prepare()``, or its problem said on the console and the exit code it ends the session with.
    func prepareReporting() async -> Result<Prepared, PreparationFailed> {
        do {
            return .success(try await prepare())
        } catch {
            console.report("error: \(error.message)")
            return .failure(PreparationFailed(code: error.exitCode))
        }
    }

    /// A session that could not start: its exit code (the problem has been said).
    struct PreparationFailed: Error {
        let code: CMOExitCode
    }

    /// What to run with its files checked, and for a resume the journal it was read from (a new run's journal is
    /// opened later).
    private func makePlan() async throws(RunSessionError) -> (RunPlan, (any Journal)?) {
        switch configuration.script {
        case .file(let script, let vars, let inputs, let dryRun):
            let plan = RunPlan.fresh(script, vars: vars, inputs: inputs, dryRun: dryRun)
            try plan.checkFiles()
            return (plan, nil)
        case .resume(let runID, let force):
            guard let journal = try await openJournal() else {
                throw RunSessionError.resumeNeedsJournal
            }
            let prior: RunEntry
            do {
                prior = try await journal.run(runID)
            } catch {
                throw RunSessionError.resume(error)
            }
            let plan = try RunPlan.resuming(prior, as: configuration.runID ?? RunEntry.makeID(), force: force)
            try plan.checkFiles()
            return (plan, journal)
        case .interactive:
            preconditionFailure("an interactive session has no plan")
        }
    }

    private func openJournal() async throws(RunSessionError) -> (any Journal)? {
        let path: String, named: Bool
        switch configuration.journal {
        case .none:
            return nil
        case .postgres(let location):
            do {
                return try await PostgresJournal.open(location, logger: logger)
            } catch {
                throw RunSessionError.journal(error, alternative: "choose another with --journal PATH|URL")
            }
        case .file(let file, let chosen):
            (path, named) = (file, chosen)
        }
        do {
            let journal = try SQLiteJournal(path: path)
            // A scheduled run (--job) leaves the warning to its daemon, which gave it once already.
            if configuration.job == nil {
                for warning in journal.privacyWarnings(stateDirectory: !named) { console.report("cmo: \(warning)") }
            }
            return journal
        } catch {
            throw RunSessionError.journal(error, alternative: "choose another with --journal PATH")
        }
    }

    /// The runner's options for this session's configuration and what the plan chose.
    func options(
        script: String, vars: [String: String], inputs: [String: String], dryRun: Bool, api: APISource.Resolved
    ) -> RunOptions {
        RunOptions(
            scriptPath: script, vars: vars, concurrency: configuration.concurrency, timeout: configuration.timeout,
            limits: configuration.limits, modulePaths: configuration.modulePaths, api: api.configuration,
            apiUnavailable: api.unavailable, dryRun: dryRun, guards: configuration.guards, inputs: inputs,
            monitorTimeout: configuration.monitorTimeout, progress: configuration.progress)
    }
}
