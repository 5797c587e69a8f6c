import CMOClient
import LuaKit

/// Everything that shapes one `cmo run`, as a value.
public struct RunOptions: Sendable {
    /// The script's path, as the user gave it (used in messages: `path:line:`).
    public var scriptPath: String
    /// `--var KEY=VALUE` pairs, seen by the script as `cmo.vars` (strings).
    public var vars: [String: String]
    /// The default concurrency of `cmo.parallel` (`--concurrency`): items in progress at once. It does not cap
    /// HTTP requests (that is the API's `maxInFlight`, `--max-in-flight`). Default ``defaultConcurrency``.
    public var concurrency: Int
    /// Seconds after which the run stops with exit code 4 (`--timeout`); `nil` for none.
    public var timeout: Double?
    /// Memory cap and instruction budget (`--max-memory`, `--max-instructions`).
    public var limits: LuaLimits
    /// Directories `require` searches besides the script's own: the shipped `stdlib/` first.
    public var modulePaths: [String]
    /// The API to talk to; `nil` when none is configured (API bindings then raise `apiUnavailable`).
    public var api: Configuration?
    /// Why there is no API, for the error the API bindings raise.
    public var apiUnavailable: String
    /// `--dry-run`: reads are real, changes are only reported.
    public var dryRun: Bool
    /// `--max-changes`, `--max-failure-rate`.
    public var guards: RunReport.Guards
    /// `--input NAME=PATH` files for `cmo.input(name)`.
    public var inputs: [String: String]
    /// How long `await_monitor` and `set_status` wait for a monitor unless told otherwise. Default 120 s.
    public var monitorTimeout: Duration
    /// Where `cmo.parallel`'s progress goes: a live line (a terminal), periodic lines, or nowhere.
    public var progress: Progress
    /// The run's journal: every change is written there before its request and after its answer. `nil` for
    /// none (`--no-journal`, the REPL, tests that do not need one).
    public var journal: RunJournal?
    /// Which part of a workflow this run runs. Default ``WorkflowPhase/whole``.
    public var phase: WorkflowPhase = .whole
    /// The script's text when it is not read from ``scriptPath`` (a worker runs the text its distributed run
    /// stored; the path then only names it in messages).
    public var scriptSource: String?
    /// A distributed run's worker: every status change tests the status it read (a raw patch that sets
    /// `/status` gets a `test` too), so a writer whose lease ran out gets 409 instead of changing a SIM twice.
    public var testsEveryStatus = false

    /// What a run does with a workflow (a script returning `plan` and `apply`).
    public enum WorkflowPhase: Sendable, Equatable {
        /// The whole script: a workflow's plan, then its apply over the items (scripts of the old shape as they are).
        case whole
        /// The plan alone (a distributed run's coordinator): the items are kept for ``ScriptRunner/plannedItems``.
        case plan
        /// The apply alone, over these items (JSON texts): one shard of a distributed run.
        case apply([String])
    }

    /// `cmo.parallel`'s default concurrency: high enough that items waiting on monitors or sleeps never starve
    /// the HTTP slots (a waiting worker costs about 5 KB, 1.3 KB of it Lua heap: 5 MB for 1,000; see BENCHMARKS.md).
    public static let defaultConcurrency = 1_000

    /// How progress is shown.
    public enum Progress: Sendable {
        case none
        /// Redraw one line on stderr (for a terminal).
        case live
        /// A line on stderr every so many seconds.
        case periodic(Duration)
    }

    public init(
        scriptPath: String,
        vars: [String: String] = [:],
        concurrency: Int = RunOptions.defaultConcurrency,
        timeout: Double? = nil,
        limits: LuaLimits = LuaLimits(),
        modulePaths: [String] = [],
        api: Configuration? = nil,
        apiUnavailable: String = "no CMO API is configured: give --sim, or CMO_API_URL, CMO_TENANT, CMO_AUTH_URL, CMO_CLIENT_ID and CMO_CLIENT_SECRET",
        dryRun: Bool = false,
        guards: RunReport.Guards = RunReport.Guards(),
        inputs: [String: String] = [:],
        monitorTimeout: Duration = .seconds(120),
        progress: Progress = .none,
        journal: RunJournal? = nil
    ) {
        self.scriptPath = scriptPath
        self.vars = vars
        self.concurrency = concurrency
        self.timeout = timeout
        self.limits = limits
        self.modulePaths = modulePaths
        self.api = api
        self.apiUnavailable = apiUnavailable
        self.dryRun = dryRun
        self.guards = guards
        self.inputs = inputs
        self.monitorTimeout = monitorTimeout
        self.progress = progress
        self.journal = journal
    }
}
