import Foundation

/// The `cmo run` options a scheduled job sets; nil means "use `cmo run`'s default".
public struct JobRunOptions: Sendable, Equatable {
    /// `dry_run`: plan changes without applying them.
    public var dryRun: Bool?
    /// `max_changes`: stop after this many changes (at least 0).
    public var maxChanges: Int?
    /// `max_failure_rate`: abort when the failure rate exceeds this fraction (0...1).
    public var maxFailureRate: Double?
    /// `concurrency`: parallel operations (at least 1).
    public var concurrency: Int?
    /// `rate_limit`: requests per second (greater than 0).
    public var rateLimit: Double?
    /// `tenant_rate_limit`: requests per second for every process of the tenant together (greater than 0; the
    /// schedule's journal must be PostgreSQL).
    public var tenantRateLimit: Double?
    /// `timeout`: seconds before the run is stopped (greater than 0).
    public var timeout: Double?
    /// `inputs`: input name to file, resolved against the schedule file's directory.
    public var inputs: [String: URL]
    /// `report`: where to write the run report, resolved against the schedule file's directory.
    public var report: URL?
    /// `profile`: the credentials profile to use.
    public var profile: String?

    public init(
        dryRun: Bool? = nil,
        maxChanges: Int? = nil,
        maxFailureRate: Double? = nil,
        concurrency: Int? = nil,
        rateLimit: Double? = nil,
        tenantRateLimit: Double? = nil,
        timeout: Double? = nil,
        inputs: [String: URL] = [:],
        report: URL? = nil,
        profile: String? = nil
    ) {
        self.dryRun = dryRun
        self.maxChanges = maxChanges
        self.maxFailureRate = maxFailureRate
        self.concurrency = concurrency
        self.rateLimit = rateLimit
        self.tenantRateLimit = tenantRateLimit
        self.timeout = timeout
        self.inputs = inputs
        self.report = report
        self.profile = profile
    }
}
