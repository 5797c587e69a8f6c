import CMOClient
import CMOJournal
import LuaKit

extension RunSession {
    /// Everything that shapes one session, as a value: what to run, against which API, with which journal,
    /// limits and outputs. The CLI maps its flags onto it, one to one.
    public struct Configuration: Sendable {
        /// What the session runs.
        public enum Script: Sendable {
            /// A script file with its `--var` pairs, `--input NAME=PATH` files and `--dry-run` flag.
            case file(String, vars: [String: String] = [:], inputs: [String: String] = [:], dryRun: Bool = false)
            /// The run with this id (or a unique prefix of it) again, with its script, vars, inputs and dry-run
            /// flag; refused when the script or an input changed since, unless `force`.
            case resume(runID: String, force: Bool = false)
            /// Entries typed at a prompt (`cmo repl`), each run as a task of one state. Never journaled; works
            /// without an API (the session says so once, and API calls raise).
            case interactive(ReplTerminal, dryRun: Bool = false)
        }

        /// Where the run is journaled.
        public enum JournalFile: Sendable {
            /// Nowhere (`--no-journal`): the run cannot be resumed.
            case none
            /// The SQLite journal at `path`; `named` when the user chose the file (`--journal PATH`), so the
            /// resume hint names it too.
            case file(String, named: Bool = false)
            /// A PostgreSQL journal, shared with other processes and hosts.
            case postgres(PostgresLocation)
        }

        /// What to run. Default: no default, it must be given.
        public var script: Script
        /// Where the API comes from. Default: the configuration (flags, environment, profile) of `.configured`.
        public var api: APISource
        /// Where the run is journaled. Default: nowhere.
        public var journal: JournalFile
        /// The run's id (`cmo schedule` chooses it); nil for a new one.
        public var runID: String?
        /// The schedule job that started the run, kept in its journal row.
        public var job: String?
        /// `cmo.parallel`'s default concurrency (`--concurrency`). Default ``RunOptions/defaultConcurrency``.
        public var concurrency: Int
        /// Seconds after which the run stops with exit 4 (`--timeout`); nil for none.
        public var timeout: Double?
        /// Past the timeout, seconds more before the process exits even if a Lua thread is stuck inside one C call
        /// (a pathological pattern match never reaches a budget check). nil for no watchdog. Default 5.
        public var watchdogGrace: Double?
        /// Memory cap and instruction budget (`--max-memory`, `--max-instructions`).
        public var limits: LuaLimits
        /// Directories `require` searches before the script's own (the shipped `stdlib/`).
        public var modulePaths: [String]
        /// `--max-changes`, `--max-failure-rate`.
        public var guards: RunReport.Guards
        /// How long `await_monitor` and `set_status` wait for a monitor unless told otherwise. Default 120 s.
        public var monitorTimeout: Duration
        /// Where `cmo.parallel`'s progress goes. Default nowhere.
        public var progress: RunOptions.Progress
        /// Where the JSON report of the run is written (`--report`); nil for none.
        public var reportPath: String?
        /// Whether the API client's counters are printed at the end (`--stats`).
        public var printsStatistics: Bool
        /// A run spread over workers (`--distributed`); nil for a run in this process alone.
        public var distribution: Distribution?

        /// How a distributed run is spread: its shards and the coordinator's own worker.
        public struct Distribution: Sendable {
            /// Items per shard (`--shard-size`). Default 1,000.
            public var shardSize: Int
            /// Whether the coordinator works on shards too (not with `--no-local-worker`).
            public var localWorker: Bool
            /// The local worker's lease terms and takeover grace (nil: the API's request timeout + 5 s).
            public var lease: ShardLease.Terms
            public var grace: Duration?
            /// How often shards are looked at (progress, the end) and a busy worker checks for a stop.
            public var poll: Duration

            public init(
                shardSize: Int = 1_000, localWorker: Bool = true, lease: ShardLease.Terms = ShardLease.Terms(),
                grace: Duration? = nil, poll: Duration = .seconds(1)
            ) {
                self.shardSize = shardSize
                self.localWorker = localWorker
                self.lease = lease
                self.grace = grace
                self.poll = poll
            }
        }

        public init(
            script: Script,
            api: APISource = .configured(ConfigurationOverrides()),
            journal: JournalFile = .none,
            runID: String? = nil,
            job: String? = nil,
            concurrency: Int = RunOptions.defaultConcurrency,
            timeout: Double? = nil,
            watchdogGrace: Double? = 5,
            limits: LuaLimits = LuaLimits(),
            modulePaths: [String] = [],
            guards: RunReport.Guards = RunReport.Guards(),
            monitorTimeout: Duration = .seconds(120),
            progress: RunOptions.Progress = .none,
            reportPath: String? = nil,
            printsStatistics: Bool = false,
            distribution: Distribution? = nil
        ) {
            self.distribution = distribution
            self.script = script
            self.api = api
            self.journal = journal
            self.runID = runID
            self.job = job
            self.concurrency = concurrency
            self.timeout = timeout
            self.watchdogGrace = watchdogGrace
            self.limits = limits
            self.modulePaths = modulePaths
            self.guards = guards
            self.monitorTimeout = monitorTimeout
            self.progress = progress
            self.reportPath = reportPath
            self.printsStatistics = printsStatistics
        }
    }
}
