import LuaKit
import Logging

/// Runs one workflow script: a fresh sandboxed state, the `cmo` module, and a scheduler driving the script as
/// the main task until every task it spawned has ended.
public final class ScriptRunner {
    /// The options of this run.
    public let options: RunOptions
    private let logger: Logger
    /// The state the script runs in (one per run).
    public let state: LuaState
    /// The scheduler; its ``LuaScheduler/control`` stops the run from elsewhere (signals).
    public let scheduler: LuaScheduler

    /// Prepares a run. `output` receives each line the script prints.
    public init(options: RunOptions, logger: Logger, output: @escaping (String) -> Void = { print($0) }) {
        self.options = options
        self.logger = logger
        state = LuaState(limits: options.limits)
        state.output = output
        scheduler = LuaScheduler(state: state)
        var paths = options.modulePaths
        paths.append(Self.directory(of: options.scriptPath))
        state.openSandbox(LuaSandbox(modulePaths: paths))
        state.openJSON()
        state.openTasks(in: "cmo", defaultConcurrency: options.concurrency)
        installVars()
    }

    private func installVars() {
        let stack = state.stack
        stack.pushGlobal("cmo")
        stack.push(LuaValue.object(options.vars.mapValues { LuaValue.string($0) }))
        stack.setField("vars", in: -2)
        stack.pop()
    }

    /// Loads the script and runs it to the end.
    public func run() async -> RunResult {
        guard let source = LuaSourceFile.read(options.scriptPath) else {
            return RunResult(
                outcome: .failed(LuaError(.runtime, "cannot read \(options.scriptPath)")), exitCode: .usage,
                errorReport: "cannot read script '\(options.scriptPath)'")
        }
        do {
            try state.load(source, chunkName: options.scriptPath)
        } catch {
            return RunResult(outcome: .failed(error), exitCode: .scriptError, errorReport: error.message)
        }
        _ = scheduler.start(main: 0)
        logger.debug("run started", metadata: ["script": "\(options.scriptPath)"])
        let outcome = await scheduler.run(timeout: options.timeout)
        return Self.result(of: outcome)
    }

    static func result(of outcome: LuaRunOutcome) -> RunResult {
        switch outcome {
        case .finished:
            return RunResult(outcome: outcome, exitCode: .success, errorReport: nil)
        case .failed(let error):
            var report = error.message
            if let traceback = error.traceback { report += "\n" + traceback }
            return RunResult(outcome: outcome, exitCode: .scriptError, errorReport: report)
        case .stopped(let reason, let error):
            let detail = error.message == reason.description ? reason.description : error.message
            return RunResult(outcome: outcome, exitCode: .stopped, errorReport: "stopped: \(detail)")
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
