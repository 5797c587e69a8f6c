import Foundation

/// One `[[job]]` of a schedule file: what to run, when, and how to treat overlaps, missed fires
/// and failures.
public struct ScheduledJob: Sendable, Equatable {
    /// `name`: unique within the file; used in logs, the state store and `cmo schedule status`.
    public var name: String
    /// `cron`: when the job fires, on the wall clock of ``timeZone``.
    public var cron: CronExpression
    /// `timezone`: an IANA zone (default UTC).
    public var timeZone: TimeZone
    /// `script`: the Lua workflow, resolved against the schedule file's directory.
    public var script: URL
    /// `vars`: variables passed to the script, all as strings.
    public var vars: [String: String]
    /// `overlap`: what to do when a fire comes while the previous run is going (default skip).
    public var overlap: OverlapPolicy
    /// `catch_up`: what to do at start-up about missed fires (default none).
    public var catchUp: CatchUpPolicy
    /// `catch_up_window`: how old a missed fire may be and still be caught up (default 1h).
    public var catchUpWindow: Duration
    /// `pause_after_failures`: pause after this many consecutive failed runs (nil: never).
    public var pauseAfterFailures: Int?
    /// The `cmo run` options.
    public var runOptions: JobRunOptions
    /// The line of the job's `[[job]]` header, when it came from a file.
    public var line: Int?

    public init(
        name: String,
        cron: CronExpression,
        timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current,
        script: URL,
        vars: [String: String] = [:],
        overlap: OverlapPolicy = .skip,
        catchUp: CatchUpPolicy = .never,
        catchUpWindow: Duration = .seconds(3_600),
        pauseAfterFailures: Int? = nil,
        runOptions: JobRunOptions = JobRunOptions(),
        line: Int? = nil
    ) {
        self.name = name
        self.cron = cron
        self.timeZone = timeZone
        self.script = script
        self.vars = vars
        self.overlap = overlap
        self.catchUp = catchUp
        self.catchUpWindow = catchUpWindow
        self.pauseAfterFailures = pauseAfterFailures
        self.runOptions = runOptions
        self.line = line
    }

    /// The job's first fire instant strictly after `date`, or nil when its expression never matches.
    public func nextFire(after date: Date) -> Date? {
        cron.nextFire(after: date, in: timeZone)
    }
}
