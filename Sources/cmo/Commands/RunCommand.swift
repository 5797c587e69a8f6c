import ArgumentParser
import CMOClient
import CMOEngine
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

    @Argument(help: "The Lua script to run.")
    var script: String

    @Option(name: .customLong("var"), help: ArgumentHelp("A variable for the script, as KEY=VALUE (repeatable).", valueName: "KEY=VALUE"))
    var vars: [String] = []

    @Option(name: .customLong("input"), help: ArgumentHelp("A file for cmo.input(NAME), as NAME=PATH (repeatable).", valueName: "NAME=PATH"))
    var inputs: [String] = []

    @Option(help: "Work in flight at most: cmo.parallel's default and the cap on API requests.")
    var concurrency: Int = 16

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
        var options = RunOptions(
            scriptPath: script,
            vars: Self.pairs(vars),
            concurrency: concurrency,
            timeout: timeout,
            limits: LuaLimits(memoryLimit: maxMemory, instructionLimit: maxInstructions),
            modulePaths: [Stdlib.defaultPath()],
            dryRun: dryRun,
            guards: RunReport.Guards(maxChanges: maxChanges, maxFailureRate: maxFailureRate),
            inputs: Self.pairs(inputs),
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

        let runner = ScriptRunner(options: options, logger: logger) { line in
            FileOutput.standardOutput.write(line + "\n")
        }
        let control = runner.scheduler.control
        let signals = SignalForwarder { name, count in
            if count > 1 {
                FileOutput.standardError.write("cmo: \(name) again: exiting without waiting for the script\n")
                Foundation.exit(RunResult.ExitCode.stopped.rawValue)
            }
            control.stop(.requested("interrupted by \(name)"))
        }
        // A Lua thread stuck inside one C call (a pathological string.find) never reaches a budget check:
        // past the timeout and a grace period, leave anyway.
        let watchdog = timeout.map { Watchdog(after: $0 + Self.watchdogGrace) }
        let started = ContinuousClock.now
        let result = await runner.run()
        watchdog?.cancel()
        signals.cancel()
        try? await simulator?.simulator.shutdown()

        if stats, let counters = runner.apiStatistics {
            FileOutput.standardError.write(
                "api: \(counters.requests) requests, \(counters.retries) retries, \(counters.rateLimited) answered 429, "
                    + "\(counters.tokenFetches) token fetches\n")
        }
        if !runner.report.records.isEmpty {
            FileOutput.standardError.write(runner.report.summary(dryRun: dryRun) + "\n")
        }
        if let report {
            do {
                let data = try runner.report.json(
                    script: script, dryRun: dryRun, exitCode: result.exitCode.rawValue,
                    seconds: (ContinuousClock.now - started).seconds)
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
        throw ExitCode(result.exitCode.rawValue)
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
