import CMOClient
import CMOEngine
import CMOSimulator
import Logging
import Synchronization

/// Runs a ``WorkflowSpec``: a fresh in-process simulator with the spec's fleet and faults, the workflow in a fresh
/// run (no journal) against it, both on one ``CMOClient/SimulatedClock``, then the simulator's final view.
public enum WorkflowRunner {
    /// Runs `spec` to its end; throws only when the simulator cannot start.
    public static func run(_ spec: WorkflowSpec, logger: Logger) async throws -> WorkflowOutcome {
        let clock = SimulatedClock()
        var quiet = logger
        quiet.logLevel = .error
        let simulator = try await CMOSimulator.start(spec.simulatorConfiguration(clock: clock), logger: quiet)
        let outcome = await run(spec, against: simulator, clock: clock, logger: quiet)
        try? await simulator.shutdown()
        return outcome
    }

    private static func run(
        _ spec: WorkflowSpec, against simulator: CMOSimulator, clock: SimulatedClock, logger: Logger
    ) async -> WorkflowOutcome {
        let api = Configuration(
            apiURL: simulator.apiURL, tenant: simulator.defaultTenant,
            auth: .init(
                tokenURL: simulator.tokenURL, clientID: simulator.defaultClient.id,
                clientSecret: Secret(simulator.defaultClient.secret)),
            clock: clock)
        let options = RunOptions(
            scriptPath: spec.script, vars: spec.vars, concurrency: spec.concurrency, modulePaths: spec.modulePaths,
            api: api, dryRun: spec.dryRun, guards: spec.guards, inputs: spec.inputs,
            monitorTimeout: spec.monitorTimeout)
        let lines = Mutex<[String]>([])
        let runner = ScriptRunner(options: options, logger: logger) { line in lines.withLock { $0.append(line) } }
        let result = await runner.run()
        let products = simulator.products
        var outcome = WorkflowOutcome(
            exitCode: result.exitCode.rawValue, changes: runner.report.records,
            output: lines.withLock { $0.joined(separator: "\n") }, error: result.errorReport,
            counts: simulator.appliedChanges,
            statuses: Dictionary(products.map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first }),
            simulatedSeconds: clock.elapsed.secondsValue)
        outcome.clockJumps = clock.jumps
        return outcome
    }
}

extension Duration {
    /// The duration in seconds.
    var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
