import ArgumentParser
import CMOEngine
import Dispatch
import Logging
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// `cmo run SCRIPT`: runs a Lua workflow.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua workflow script.",
        discussion: """
            The script runs in a sandbox as a coroutine; bindings that wait (cmo.sleep, and the API calls) let other \
            tasks run meanwhile. Variables given with --var reach the script as the table cmo.vars (strings).

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

    @Option(help: "Default number of items cmo.parallel runs at once.")
    var concurrency: Int = 16

    @Option(help: "Stop the run (exit 4) after this many seconds.")
    var timeout: Double?

    @Option(help: "Stop the script (exit 4) after this many Lua VM instructions.")
    var maxInstructions: Int64 = 10_000_000_000

    @Option(help: "Stop the script (exit 4) when its Lua heap would exceed this many bytes.")
    var maxMemory: Int = 256 << 20

    /// Seconds the script gets after `--timeout` before the process exits regardless.
    static let watchdogGrace = 5.0

    @Flag(help: "Log what the engine does to stderr.")
    var verbose = false

    func validate() throws {
        for pair in vars where !pair.contains("=") || pair.hasPrefix("=") {
            throw ValidationError("--var expects KEY=VALUE, got '\(pair)'")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        guard maxInstructions > 0 else { throw ValidationError("--max-instructions must be positive") }
        guard maxMemory >= 1 << 20 else { throw ValidationError("--max-memory must be at least 1048576 bytes") }
    }

    func run() async throws {
        var variables: [String: String] = [:]
        for pair in vars {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            variables[String(parts[0])] = String(parts[1])
        }
        var logger = Logger(label: "cmo.run")
        logger.logLevel = verbose ? .debug : .notice
        let options = RunOptions(
            scriptPath: script,
            vars: variables,
            concurrency: concurrency,
            timeout: timeout,
            limits: LuaLimits(memoryLimit: maxMemory, instructionLimit: maxInstructions),
            modulePaths: [Stdlib.defaultPath()]
        )
        let runner = ScriptRunner(options: options, logger: logger) { line in
            FileOutput.standardOutput.write(line + "\n")
        }
        let control = runner.scheduler.control
        let signals = SignalForwarder { name, count in
            if count > 1 {
                FileOutput.standardError.write("cmo: \(name) again: exiting without waiting for the script\n")
                Glibc.exit(RunResult.ExitCode.stopped.rawValue)
            }
            control.stop(.requested("interrupted by \(name)"))
        }
        // A Lua thread stuck inside one C call (a pathological string.find) never reaches a budget check:
        // past the timeout and a grace period, leave anyway.
        let watchdog = timeout.map { Watchdog(after: $0 + Self.watchdogGrace) }
        let result = await runner.run()
        watchdog?.cancel()
        signals.cancel()
        if let report = result.errorReport {
            FileOutput.standardError.write("cmo: \(report)\n")
        }
        throw ExitCode(result.exitCode.rawValue)
    }
}
