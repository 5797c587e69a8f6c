import LuaKit

/// Everything that shapes one `cmo run`, as a value.
public struct RunOptions: Sendable {
    /// The script's path, as the user gave it (used in messages: `path:line:`).
    public var scriptPath: String
    /// `--var KEY=VALUE` pairs, seen by the script as `cmo.vars` (strings).
    public var vars: [String: String]
    /// The default concurrency of `cmo.parallel` (`--concurrency`). Default 16.
    public var concurrency: Int
    /// Seconds after which the run stops with exit code 4 (`--timeout`); `nil` for none.
    public var timeout: Double?
    /// Memory cap and instruction budget (`--max-memory`, `--max-instructions`).
    public var limits: LuaLimits
    /// Directories `require` searches besides the script's own: the shipped `stdlib/` first.
    public var modulePaths: [String]

    public init(
        scriptPath: String,
        vars: [String: String] = [:],
        concurrency: Int = 16,
        timeout: Double? = nil,
        limits: LuaLimits = LuaLimits(),
        modulePaths: [String] = []
    ) {
        self.scriptPath = scriptPath
        self.vars = vars
        self.concurrency = concurrency
        self.timeout = timeout
        self.limits = limits
        self.modulePaths = modulePaths
    }
}
