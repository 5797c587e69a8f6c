import CMOClient
import LuaKit
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Runs one workflow script: a fresh sandboxed state, the `cmo` module bound to the API client, and a scheduler
/// driving the script as the main task until every task it spawned has ended.
public final class ScriptRunner {
    /// The options of this run.
    public let options: RunOptions
    private let logger: Logger
    /// The state the script runs in (one per run).
    public let state: LuaState
    /// The scheduler; its ``LuaScheduler/control`` stops the run from elsewhere (signals).
    public let scheduler: LuaScheduler
    /// Every change the script makes, and the guards.
    public let report: RunReport
    private let client: CMOClient?

    /// Prepares a run. `output` receives each line the script prints.
    public init(options: RunOptions, logger: Logger, output: @escaping (String) -> Void = { print($0) }) {
        self.options = options
        self.logger = logger
        state = LuaState(limits: options.limits)
        state.output = output
        scheduler = LuaScheduler(state: state)
        report = RunReport(guards: options.guards)
        var paths = options.modulePaths
        paths.append(Self.directory(of: options.scriptPath))
        state.openSandbox(LuaSandbox(modulePaths: paths))
        state.openJSON()
        let clock = options.api?.clock ?? SystemClock()
        state.openTasks(in: "cmo", defaultConcurrency: options.concurrency) { try await clock.sleep(for: $0) }

        var scriptLogger = logger
        scriptLogger[metadataKey: "script"] = "\(options.scriptPath)"
        // `--max-in-flight` caps HTTP requests as given; `concurrency` bounds items in progress, nothing else.
        if let configuration = options.api {
            client = CMOClient(configuration: configuration, logger: logger)
        } else {
            client = nil
        }
        let operations = client.map { client in
            CMOOperations(
                client: client, report: report, control: scheduler.control, dryRun: options.dryRun,
                monitorTimeout: options.monitorTimeout, journal: options.journal, testsEveryStatus: options.testsEveryStatus)
        }
        let progress: ProgressMeter? =
            switch options.progress {
            case .none: nil
            case .live: ProgressMeter(live: true, write: Self.writeError)
            case .periodic(let interval): ProgressMeter(live: false, interval: interval, write: Self.writeError)
            }
        let module = CMOModule(
            operations: operations, missingAPI: options.apiUnavailable, logger: scriptLogger, dryRun: options.dryRun,
            inputs: options.inputs, progress: progress)
        module.install(into: state)
        do {
            try module.installPrelude(into: state)
        } catch {
            preconditionFailure("cmo: the module prelude failed: \(error)")
        }
        installVars()
    }

    private func installVars() {
        let stack = state.stack
        stack.pushGlobal("cmo")
        stack.push(LuaValue.object(options.vars.mapValues { LuaValue.string($0) }))
        stack.setField("vars", in: -2)
        stack.pop()
    }

    /// The handle that stops this run gently from elsewhere (a signal handler's thread).
    public var stopper: RunStopper { RunStopper(report: report, control: scheduler.control) }

    /// What the API client did during the run (requests, retries, 429s, token fetches), if there was one.
    public var apiStatistics: CMOClient.Statistics? { client?.statistics }

    /// Loads the script and runs it to the end, then closes the API client.
    public func run() async -> RunResult {
        let result = await execute()
        await close()
        return result
    }

    /// Closes the API client; call it once after the last ``evaluate(_:)``.
    public func close() async {
        try? await client?.shutdown()
    }

    private func execute() async -> RunResult {
        guard let source = options.scriptSource.map({ Array($0.utf8) }) ?? LuaSourceFile.read(options.scriptPath) else {
            return RunResult(
                outcome: .failed(LuaError(.runtime, "cannot read \(options.scriptPath)")), exitCode: .usage,
                errorReport: "cannot read script '\(options.scriptPath)'")
        }
        // The main task: the workflow runner of the phase, given the chunk, the script's name and, for a plan the
        // table its items are left in, for an apply the shard's items.
        let stack = state.stack
        switch options.phase {
        case .whole: stack.pushRegistryField(CMOModule.workflowRunnerKey)
        case .plan: stack.pushRegistryField(CMOModule.workflowPlannerKey)
        case .apply: stack.pushRegistryField(CMOModule.workflowApplierKey)
        }
        do {
            try state.load(source, chunkName: options.scriptPath)
        } catch {
            stack.pop()
            return RunResult(outcome: .failed(error), exitCode: .scriptError, errorReport: error.message)
        }
        stack.push(options.scriptPath)
        switch options.phase {
        case .whole:
            _ = scheduler.start(main: 2)
        case .plan:
            stack.pushTable()
            stack.pushCopy(of: -1)
            stack.setRegistryField(Self.planSinkKey)
            _ = scheduler.start(main: 3)
        case .apply(let items):
            stack.pushArray(items) { stack.push($0) }
            _ = scheduler.start(main: 3)
        }
        logger.debug("run started", metadata: ["script": "\(options.scriptPath)"])
        let outcome = await scheduler.run(timeout: options.timeout)
        var result = Self.result(of: outcome)
        if result.exitCode == .success, report.hasFailures {
            result.exitCode = .operationsFailed
        }
        return result
    }

    /// The registry key of the table a plan's items are left in.
    private static let planSinkKey = "cmo.plan_sink"

    /// After a ``RunOptions/WorkflowPhase/plan`` run that finished: each item's product id and the item as JSON,
    /// in the plan's order; nil when the plan did not finish.
    public var plannedItems: [(productID: String, item: String)]? {
        let stack = state.stack
        guard stack.pushRegistryField(Self.planSinkKey) == .table else {
            stack.pop()
            return nil
        }
        defer { stack.pop() }
        stack.pushField("ids", of: -1)
        let ids = try? stack.value(at: -1)
        stack.pop()
        stack.pushField("items", of: -1)
        let items = try? stack.value(at: -1)
        stack.pop()
        func strings(_ value: LuaValue?) -> [String]? {
            switch value {
            case .array(let values)?: values.compactMap { if case .string(let text) = $0 { text } else { nil } }
            case .object(let fields)? where fields.isEmpty: []
            default: nil
            }
        }
        guard let ids = strings(ids), let items = strings(items), ids.count == items.count else { return nil }
        return zip(ids, items).map { (productID: $0, item: $1) }
    }

    static func result(of outcome: LuaRunOutcome) -> RunResult {
        switch outcome {
        case .finished:
            return RunResult(outcome: outcome, exitCode: .success, errorReport: nil)
        case .failed(let error):
            var report = error.message
            if let traceback = error.traceback {
                // The script's chunk is called by the workflow runner (`Lua/workflow.lua`) as `main_chunk`.
                report += "\n" + traceback.replacing("in local 'main_chunk'", with: "in main chunk")
            }
            // An API error that is the operator's to fix (a wrong client secret) ends the run as a usage error.
            let configuration = if case .object(let fields) = error.value, fields["configuration_problem"] == .boolean(true) {
                true
            } else {
                false
            }
            return RunResult(outcome: outcome, exitCode: configuration ? .usage : .scriptError, errorReport: report)
        case .stopped(let reason, let error):
            let detail = error.message == reason.description ? reason.description : error.message
            return RunResult(outcome: outcome, exitCode: .stopped, errorReport: "stopped: \(detail)")
        }
    }

    static func writeError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
