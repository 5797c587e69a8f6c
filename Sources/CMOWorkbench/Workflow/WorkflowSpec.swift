import CMOClient
import CMOEngine
import CMOSimulator

/// One workflow run a test asks for (`workbench.run{...}`): the script, the simulated fleet and its faults, and
/// the run's vars, inputs and options. Everything runs in-process against a fresh simulator, on a
/// ``CMOClient/SimulatedClock`` shared by the simulator and the run.
public struct WorkflowSpec: Sendable {
    /// The workflow script's path.
    public var script: String
    /// The fleet's seed and size. Default seed 1, 100 products.
    public var seed: UInt64
    public var fleetSize: Int
    /// Products the fleet holds instead of `fleetSize` generated ones (declared, or seen in a cassette).
    public var products: [SeedProduct] = []
    /// Faults and timings of the simulator.
    public var faults: Faults
    /// `cmo.vars` (strings).
    public var vars: [String: String]
    /// `cmo.input(name)` files: name to path.
    public var inputs: [String: String]
    /// `--dry-run`.
    public var dryRun: Bool
    /// `--max-changes`, `--max-failure-rate`.
    public var guards: RunReport.Guards
    /// `--concurrency`. Default ``RunOptions/defaultConcurrency``.
    public var concurrency: Int
    /// How long a monitor is waited for by default, in simulated time. Default 120 s.
    public var monitorTimeout: Duration
    /// `require` paths before the script's own directory (the stdlib).
    public var modulePaths: [String]

    /// The simulator's faults and timings, as `cmo sim` names them.
    public struct Faults: Sendable, Equatable {
        /// Share of API requests answered 500/502/503 (`--fault-rate`). Default 0.
        public var errorRate: Double = 0
        /// Share of requests whose connection is dropped (`--drop-rate`). Default 0.
        public var dropRate: Double = 0
        /// Real latency added to each answer, in milliseconds (`--latency-ms`). Default 0.
        public var latencyMilliseconds: Int = 0
        /// Requests per second per client before 429s (`--rate-limit`); nil: unlimited.
        public var rateLimit: Double?
        /// Requests per hour per client (`--quota`); nil: none.
        public var quotaPerHour: Int?
        /// Share of async changes whose monitor ends `InError` (`--in-error-rate`). Default 0.
        public var inErrorRate: Double = 0
        /// Simulated seconds an async change stays in progress. Default 1.5.
        public var asyncDelaySeconds: Double = 1.5
        /// Simulated seconds an access token lives. Default 300.
        public var tokenTTL: Int = 300

        public init() {}
    }

    public init(
        script: String, seed: UInt64 = 1, fleetSize: Int = 100, faults: Faults = Faults(), vars: [String: String] = [:],
        inputs: [String: String] = [:], dryRun: Bool = false, guards: RunReport.Guards = RunReport.Guards(),
        concurrency: Int = RunOptions.defaultConcurrency, monitorTimeout: Duration = .seconds(120),
        modulePaths: [String] = []
    ) {
        self.script = script
        self.seed = seed
        self.fleetSize = fleetSize
        self.faults = faults
        self.vars = vars
        self.inputs = inputs
        self.dryRun = dryRun
        self.guards = guards
        self.concurrency = concurrency
        self.monitorTimeout = monitorTimeout
        self.modulePaths = modulePaths
    }

    /// The simulator's configuration for this spec, on `clock`.
    func simulatorConfiguration(clock: any CMOClock) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(
            fleetSize: fleetSize, seed: seed, tokenTTL: faults.tokenTTL, latencyMilliseconds: faults.latencyMilliseconds,
            asyncDelayMilliseconds: Int((faults.asyncDelaySeconds * 1000).rounded()), faultRate: faults.errorRate,
            dropRate: faults.dropRate, rateLimit: faults.rateLimit, inErrorRate: faults.inErrorRate,
            quotaPerHour: faults.quotaPerHour, clock: clock)
        configuration.products = products
        return configuration
    }
}
