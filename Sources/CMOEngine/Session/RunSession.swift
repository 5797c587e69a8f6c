import CMOJournal
import Logging
import LuaKit
import Synchronization

/// One `cmo run` (or one `cmo repl`) from its configuration to its exit code: it plans the run (new, or a resume
/// with the script and input hash check), refuses configuration problems before anything starts (exit 2, nothing
/// journaled), starts and finishes the journal, creates the runner, takes stop requests (signals the CLI routes
/// here, the `--timeout` watchdog), and prints the summary, the API statistics, the report file and the resume
/// hint.
///
/// ```swift
/// let session = RunSession(configuration: .init(script: .file("activate.lua"), journal: .file(path)), logger: logger)
/// let signals = SignalForwarder { name, count in session.interrupt(by: name, count: count) }
/// let code = await session.run()
/// ```
public final class RunSession: Sendable {
    /// What this session runs, and how.
    public let configuration: Configuration
    let logger: Logger
    let console: Console
    let stops = Mutex(StopState())

    /// A session; `logger` gets the engine's messages (the script's path is added as metadata), `console` the
    /// script's output and the operator's lines.
    public init(configuration: Configuration, logger: Logger, console: Console = .standard) {
        self.configuration = configuration
        self.logger = logger
        self.console = console
    }

    /// Runs the session to its end and returns its exit code; everything to say has been said on the console.
    public func run() async -> CMOExitCode {
        if case .interactive(let terminal, let dryRun) = configuration.script {
            return await interact(terminal, dryRun: dryRun)
        }
        if let distribution = configuration.distribution { return await runDistributed(distribution) }
        let prepared: Prepared
        switch await prepareReporting() {
        case .success(let value): prepared = value
        case .failure(let failed): return failed.code
        }
        let runner = ScriptRunner(options: prepared.options, logger: logger, output: console.printLine)
        attach(runner.stopper)
        let watchdog = configuration.timeout.flatMap { timeout in
            configuration.watchdogGrace.map { RunWatchdog(after: timeout + $0, console: console) }
        }
        let started = ContinuousClock.now
        let result = await runner.run()
        watchdog?.cancel()
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        await finish(prepared, runner: runner, result: result, seconds: seconds)
        return result.exitCode
    }
}
