import ArgumentParser
import CMOEngine
import CMOJournal
import CMOSimulator
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
            which starts the simulator in this process; a script that makes no API calls runs with --no-api. \
            Without a usable API configuration, or with a script or --input file that cannot be read, the run does \
            not start (exit 2) and nothing is journaled.

            Exit codes:
              0  the script finished and everything it started succeeded
              1  the script raised an uncaught error, or has a syntax error (reported as file:line: message)
              2  usage or configuration error (the script did not start)
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

    @Flag(
        help: ArgumentHelp(
            "Spread a workflow (a script returning plan and apply) over workers through its PostgreSQL journal: "
                + "the plan runs here once, its items are cut into shards for 'cmo worker' processes (and this one)."))
    var distributed = false

    @Option(help: ArgumentHelp("With --distributed: items per shard.", valueName: "N"))
    var shardSize: Int = 1_000

    @Flag(help: "With --distributed: work on no shard here, leave them all to 'cmo worker' processes.")
    var noLocalWorker = false

    @OptionGroup(title: "Leases (with --distributed)")
    var leases: LeaseOptions

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

    @Option(help: ArgumentHelp("Seconds between cmo.parallel's progress lines when stderr is not a terminal (a terminal gets one live line).", valueName: "SECONDS"))
    var progressInterval: Double = 10

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

    @OptionGroup(title: "Record and replay")
    var cassette: CassetteOptions

    @Flag(help: "Run without an API, for a script that makes no API calls (API calls raise an error).")
    var noAPI = false

    @Flag(help: "Log what the engine does to stderr.")
    var verbose = false

    @OptionGroup var log: LogFormatOptions

    @Flag(help: "Print the API client's counters (requests, retries, 429s, token fetches) at the end.")
    var stats = false

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @OptionGroup(title: "Tenant rate limit")
    var tenantRate: TenantRateLimitOptions

    /// The pairs of repeated `--var KEY=VALUE` or `--input NAME=PATH` options, as a dictionary.
    static func pairs(_ list: [String]) -> [String: String] {
        var pairs: [String: String] = [:]
        for pair in list {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs[String(parts[0])] = String(parts[1])
        }
        return pairs
    }

    func validate() throws {
        switch (script, resume) {
        case (nil, nil): throw ValidationError("give a SCRIPT to run, or --resume RUN_ID")
        case (.some, .some): throw ValidationError("give a SCRIPT or --resume RUN_ID, not both")
        default: break
        }
        guard progressInterval > 0, progressInterval.isFinite else {
            throw ValidationError("--progress-interval must be a positive number of seconds")
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
        if distributed {
            if noJournal { throw ValidationError("--distributed needs the PostgreSQL journal: drop --no-journal") }
            guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1") }
            if report != nil { throw ValidationError("--report is not written for a distributed run: see 'cmo runs show'") }
        } else if noLocalWorker || shardSize != 1_000 {
            throw ValidationError("--shard-size and --no-local-worker only go with --distributed")
        }
        try cassette.validate(sim: simulation.sim, noAPI: noAPI)
        if noAPI, simulation.sim { throw ValidationError("give --sim or --no-api, not both") }
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
        var logger = Logger.standardError("cmo", level: verbose ? .debug : .info, format: log.resolved)
        // The run's id is chosen here (not in the session) so that every JSON log line can carry it (text lines
        // stay as they were).
        let runID = self.runID ?? (noJournal ? nil : RunEntry.makeID())
        if log.resolved == .json {
            if let runID { logger[metadataKey: "run"] = "\(runID)" }
            if let job { logger[metadataKey: "job"] = "\(job)" }
        }
        let (configuredAPI, simulator) = try await simulation.apiSource(
            connection: connection, noAPI: noAPI, logger: logger)
        let (recordedAPI, recorder) = try cassette.apply(to: configuredAPI)
        let (api, bucketJournal) = try await tenantRate.apply(
            to: recordedAPI, journal: noJournal ? nil : try journal.choice(), logger: logger)
        if let simulator {
            let line = "--sim: simulator with \(simulation.simFleet) products (seed \(simulation.simSeed)) at \(simulator.baseURL)"
            if log.resolved == .json { logger.notice("\(line)") } else { FileOutput.standardError.write("cmo: \(line)\n") }
        }
        let session = RunSession(
            configuration: try sessionConfiguration(api: api, runID: runID), logger: logger, console: console(logger))
        let signals = SignalForwarder { name, count in session.interrupt(by: name, count: count) }
        let code = await session.run()
        signals.cancel()
        await bucketJournal?.close()
        try? await simulator?.shutdown()
        if !cassette.finish(recorder), code == .success { throw ExitCode(CMOExitCode.usage) }
        throw ExitCode(code)
    }

    /// The session's console: standard output and error; with `--log-format json`, the lines for the operator
    /// (summary, errors, progress) go through `logger` as JSON lines too.
    func console(_ logger: Logger) -> RunSession.Console {
        guard log.resolved == .json else { return .standard }
        var console = RunSession.Console.standard
        console.report = { line in
            logger.log(level: line.hasPrefix("error") || line.hasPrefix("cmo: error") ? .error : .notice, "\(line)")
        }
        return console
    }

    /// The flags as the session's configuration.
    func sessionConfiguration(api: APISource, runID: String? = nil) throws -> RunSession.Configuration {
        let journalFile: RunSession.Configuration.JournalFile =
            switch noJournal ? nil : try journal.choice() {
            case nil: .none
            case .sqlite(let path, let named)?: .file(path, named: named)
            case .postgres(let location)?: .postgres(location)
            }
        let script: RunSession.Configuration.Script =
            if let resume {
                .resume(runID: resume, force: force)
            } else {
                .file(script ?? "", vars: Self.pairs(vars), inputs: Self.pairs(inputs), dryRun: dryRun)
            }
        return RunSession.Configuration(
            script: script, api: api, journal: journalFile,
            runID: runID ?? self.runID, job: job, concurrency: concurrency, timeout: timeout,
            limits: LuaLimits(memoryLimit: maxMemory, instructionLimit: maxInstructions),
            modulePaths: [Stdlib.defaultPath()],
            guards: RunReport.Guards(maxChanges: maxChanges, maxFailureRate: maxFailureRate),
            progress: FileOutput.standardError.isTerminal && log.resolved == .text ? .live : .periodic(.milliseconds(Int64(progressInterval * 1000))),
            reportPath: report,
            printsStatistics: stats,
            distribution: distributed
                ? RunSession.Configuration.Distribution(
                    shardSize: shardSize, localWorker: !noLocalWorker, lease: leases.terms, grace: leases.grace)
                : nil)
    }
}
