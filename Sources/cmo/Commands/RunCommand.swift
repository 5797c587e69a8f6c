import ArgumentParser
import CMOClient
import CMOEngine
import CMOJournal
import CMOSimulator
import Dispatch
import Foundation
import Logging
import LuaKit

/// `cmo run SCRIPT`: runs a Lua workflow.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua workflow script.",
        discussion: """
            Every run is journaled (see --journal): each change is written to SQLite before its request goes out \
            and after its answer. A run that stopped (a crash, a reboot, Ctrl-C, a guard) is finished with \
            'cmo run --resume RUN_ID': the same script with the same vars and inputs, where a change the journal \
            shows done is not sent again, a monitor in progress is polled again, and a change whose request may \
            or may not have arrived is read before it is sent. With the same script and inputs, no SIM is changed \
            twice and none is missed. 'cmo runs' lists the runs.

            The script runs in a sandbox as a coroutine; bindings that wait (cmo.sleep, and the API calls) let other \
            tasks run meanwhile. Variables given with --var reach the script as the table cmo.vars (strings). \
            The API comes from the connection options (flags, CMO_* environment, config file), or from --sim, \
            which starts the simulator in this process.

            Exit codes:
              0  the script finished and everything it started succeeded
              1  the script raised an uncaught error, or has a syntax error (reported as file:line: message)
              2  usage or configuration error
              3  the script finished but some operations it started failed
              4  stopped early: timeout, SIGINT/SIGTERM, instruction or memory budget, or a guard
            """
    )

    @Argument(help: "The Lua script to run (none with --resume).")
    var script: String?

    @Option(help: ArgumentHelp("Resume this run: its script, vars and inputs; what it changed is not sent again.", valueName: "RUN_ID"))
    var resume: String?

    @Flag(help: "With --resume: resume although the script or an input file changed since.")
    var force = false

    @OptionGroup(title: "Journal")
    var journal: JournalOptions

    @Flag(help: "Write no journal (the run cannot be resumed).")
    var noJournal = false

    /// Set by `cmo schedule`: the run's id, and the job that started it.
    @Option(help: .hidden)
    var runID: String?

    @Option(help: .hidden)
    var job: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("A variable for the script, as KEY=VALUE (repeatable).", valueName: "KEY=VALUE"))
    var vars: [String] = []

    @Option(name: .customLong("input"), help: ArgumentHelp("A file for cmo.input(NAME), as NAME=PATH (repeatable).", valueName: "NAME=PATH"))
    var inputs: [String] = []

    @Option(
        help: ArgumentHelp(
            "cmo.parallel's default: items in progress at once (a script may ask for fewer). HTTP requests are capped by --max-in-flight alone.",
            valueName: "N"))
    var concurrency: Int = RunOptions.defaultConcurrency

    @Flag(help: "Read for real, change nothing: changes are reported as 'would change'.")
    var dryRun = false

    @Option(help: "Stop (exit 4) before the change that would exceed this many changes.")
    var maxChanges: Int?

    @Option(help: "Stop (exit 4) when more than this share (0-1) of changes failed, after at least 20.")
    var maxFailureRate: Double?

    @Option(help: "Write the outcome report as JSON to this file.")
    var report: String?

    @Option(help: "Stop the run (exit 4) after this many seconds.")
    var timeout: Double?

    @Option(help: "Stop the script (exit 4) after this many Lua VM instructions.")
    var maxInstructions: Int64 = 10_000_000_000

    @Option(help: "Stop the script (exit 4) when its Lua heap would exceed this many bytes.")
    var maxMemory: Int = 256 << 20

    @OptionGroup(title: "Simulator")
    var simulation: SimulationOptions

    @Flag(help: "Log what the engine does to stderr.")
    var verbose = false

    @Flag(help: "Print the API client's counters (requests, retries, 429s, token fetches) at the end.")
    var stats = false

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    /// Seconds the script gets after `--timeout` before the process exits regardless.
    static let watchdogGrace = 5.0

    func validate() throws {
        switch (script, resume) {
        case (nil, nil): throw ValidationError("give a SCRIPT to run, or --resume RUN_ID")
        case (.some, .some): throw ValidationError("give a SCRIPT or --resume RUN_ID, not both")
        default: break
        }
        if resume != nil {
            if !vars.isEmpty || !inputs.isEmpty || dryRun {
                throw ValidationError("--resume uses the vars, inputs and --dry-run of the run it resumes")
            }
            if noJournal { throw ValidationError("--resume needs the journal: drop --no-journal") }
        } else if force {
            throw ValidationError("--force only goes with --resume")
        }
        if noJournal, journal.path != nil { throw ValidationError("give --journal PATH or --no-journal, not both") }
        for pair in vars where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--var expects KEY=VALUE, got '\(pair)'")
        }
        for pair in inputs where !pair.contains("=") || pair.hasPrefix("=") || pair.hasSuffix("=") {
            throw ValidationError("--input expects NAME=PATH, got '\(pair)'")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        guard maxInstructions > 0 else { throw ValidationError("--max-instructions must be positive") }
        guard maxMemory >= 1 << 20 else { throw ValidationError("--max-memory must be at least 1048576 bytes") }
        if let maxChanges, maxChanges < 0 { throw ValidationError("--max-changes must be 0 or more") }
        if let rate = maxFailureRate, !(0...1).contains(rate) {
            throw ValidationError("--max-failure-rate must be between 0 and 1")
        }
    }

    func run() async throws {
        var logger = Logger(label: "cmo") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .info
        let plan = try plan()
        var options = RunOptions(
            scriptPath: plan.script,
            vars: plan.vars,
            concurrency: concurrency,
            timeout: timeout,
            limits: LuaLimits(memoryLimit: maxMemory, instructionLimit: maxInstructions),
            modulePaths: [Stdlib.defaultPath()],
            dryRun: plan.dryRun,
            guards: RunReport.Guards(maxChanges: maxChanges, maxFailureRate: maxFailureRate),
            inputs: plan.inputs,
            progress: FileOutput.standardError.isTerminal ? .live : .periodic(.seconds(10))
        )

        let simulator = try await simulation.start(logger: logger, connection: connection)
        if let (started, api) = simulator {
            FileOutput.standardError.write(
                "cmo: --sim: simulator with \(simulation.simFleet) products (seed \(simulation.simSeed)) at \(started.baseURL)\n")
            options.api = api
        } else {
            do {
                let loaded = try Configuration.load(overrides: connection.overrides)
                loaded.warnings.forEach { FileOutput.standardError.write("cmo: warning: \($0)\n") }
                options.api = loaded.configuration
            } catch {
                // Scripts that never call the API run without one; the bindings that need it raise this.
                options.apiUnavailable = "no CMO API is configured (give --sim to use the simulator): \(error.message)"
            }
        }
        if let (journal, entry) = plan.journal {
            do {
                options.journal = try await RunJournal.start(entry, in: journal)
            } catch {
                try? await simulator?.simulator.shutdown()
                throw ErrorReport.usage("\(error.message) (choose another with --journal PATH, or --no-journal)")
            }
        }

        let runner = ScriptRunner(options: options, logger: logger) { line in
            FileOutput.standardOutput.write(line + "\n")
        }
        let stopper = runner.stopper
        let signals = SignalForwarder { name, count in
            if count > 1 {
                FileOutput.standardError.write("cmo: \(name) again: exiting without waiting for the script\n")
                Foundation.exit(RunResult.ExitCode.stopped.rawValue)
            }
            Task { await stopper.stop("interrupted by \(name)") }
        }
        // A Lua thread stuck inside one C call (a pathological string.find) never reaches a budget check:
        // past the timeout and a grace period, leave anyway.
        let watchdog = timeout.map { Watchdog(after: $0 + Self.watchdogGrace) }
        let started = ContinuousClock.now
        let result = await runner.run()
        watchdog?.cancel()
        signals.cancel()
        try? await simulator?.simulator.shutdown()

        let runJournal = options.journal
        do {
            try await runJournal?.finish(
                exitCode: result.exitCode.rawValue,
                stopReason: result.errorReport.map { String($0.prefix { $0 != "\n" }) }, report: runner.report)
        } catch {
            FileOutput.standardError.write("cmo: warning: \(error.message)\n")
        }
        if let failed = runJournal?.journal.failedBackgroundWrites, failed > 0 {
            FileOutput.standardError.write(
                "cmo: warning: \(failed) journal writes failed; a resume reads those changes from the server first\n")
        }
        if stats, let counters = runner.apiStatistics {
            FileOutput.standardError.write(
                "api: \(counters.requests) requests, \(counters.retries) retries, \(counters.rateLimited) answered 429, "
                    + "\(counters.tokenFetches) token fetches\n")
        }
        if !runner.report.records.isEmpty {
            FileOutput.standardError.write(runner.report.summary(dryRun: plan.dryRun) + "\n")
        }
        if let report {
            do {
                let data = try runner.report.json(
                    script: plan.script, runID: runJournal?.run.id, dryRun: plan.dryRun,
                    exitCode: result.exitCode.rawValue, seconds: (ContinuousClock.now - started).seconds)
                try data.write(to: URL(fileURLWithPath: report))
            } catch {
                FileOutput.standardError.write("cmo: cannot write the report to \(report): \(error)\n")
            }
        }
        if let text = result.errorReport {
            FileOutput.standardError.write("cmo: \(text)\n")
        } else if result.exitCode == .operationsFailed {
            FileOutput.standardError.write("cmo: some changes failed (exit 3)\n")
        }
        if let runJournal, result.exitCode == .stopped || result.exitCode == .operationsFailed {
            let journalFlag = journal.path.map { " --journal \($0)" } ?? ""
            FileOutput.standardError.write("cmo: resume with: cmo run --resume \(runJournal.run.id)\(journalFlag)\n")
        }
        throw ExitCode(result.exitCode.rawValue)
    }

    /// What to run: the script and its vars and inputs, from the command line or, with `--resume`, from the
    /// journal (refusing when the script or an input changed, unless `--force`); and the journal row to write.
    struct Plan {
        var script: String
        var vars: [String: String]
        var inputs: [String: String]
        var dryRun: Bool
        var journal: (Journal, RunEntry)?
    }

    func plan() throws -> Plan {
        if noJournal, let script {
            return Plan(script: script, vars: Self.pairs(vars), inputs: Self.pairs(inputs), dryRun: dryRun)
        }
        let journal = try journal.open()
        let id = runID ?? RunEntry.makeID()
        guard let resume else {
            let script = script ?? ""
            let inputs = Self.pairs(inputs)
            let entry = RunEntry(
                id: id, scriptPath: Self.absolute(script), scriptHash: ContentHash.ofFile(script) ?? "",
                vars: Self.pairs(vars),
                inputs: inputs.mapValues { RunEntry.InputFile(path: Self.absolute($0), hash: ContentHash.ofFile($0)) },
                dryRun: dryRun, job: job)
            return Plan(script: script, vars: entry.vars, inputs: inputs, dryRun: dryRun, journal: (journal, entry))
        }
        let prior: RunEntry
        do {
            prior = try journal.run(resume)
        } catch {
            throw ErrorReport.usage(error.message)
        }
        // Hash each file once: the comparison and the new run's row use the same figures.
        let scriptHash = ContentHash.ofFile(prior.scriptPath)
        let inputs = prior.inputs.mapValues { RunEntry.InputFile(path: $0.path, hash: ContentHash.ofFile($0.path)) }
        var changed: [String] = []
        if scriptHash != prior.scriptHash { changed.append("the script \(prior.scriptPath)") }
        for (name, input) in prior.inputs.sorted(by: { $0.key < $1.key }) where inputs[name]?.hash != input.hash {
            changed.append("input '\(name)' (\(input.path))")
        }
        if !changed.isEmpty, !force {
            throw ErrorReport.usage(
                "cannot resume run \(prior.id): \(changed.joined(separator: " and ")) changed since it ran; "
                    + "resuming could change SIMs the run did not mean to. Give --force to resume anyway.")
        }
        let entry = RunEntry(
            id: id, rootID: prior.rootID, resumedFrom: prior.id, scriptPath: prior.scriptPath,
            scriptHash: scriptHash ?? prior.scriptHash, vars: prior.vars, inputs: inputs, dryRun: prior.dryRun,
            job: prior.job)
        return Plan(
            script: prior.scriptPath, vars: prior.vars, inputs: prior.inputs.mapValues(\.path), dryRun: prior.dryRun,
            journal: (journal, entry))
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func pairs(_ list: [String]) -> [String: String] {
        var pairs: [String: String] = [:]
        for pair in list {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs[String(parts[0])] = String(parts[1])
        }
        return pairs
    }
}
