import Foundation
import LuaKit

/// The settings a distributed run's coordinator was given that its workers run each shard with: the script's vars,
/// the dry run, the guards and the Lua limits. Stored with the run as JSON (`dist_run.settings`), so that a worker
/// on any host runs the shards as the coordinator would have.
///
/// The API, its rate limits and the journal are each worker's own (its flags, environment and profile).
public struct DistributedSettings: Sendable, Codable, Equatable {
    public var vars: [String: String]
    public var dryRun: Bool
    /// `--max-changes`: counted across workers by the journal.
    public var maxChanges: Int?
    /// `--max-failure-rate`: each worker checks its shard, and the run's totals after every shard.
    public var maxFailureRate: Double?
    public var minimumForRate: Int
    /// `cmo.parallel`'s default concurrency in each worker.
    public var concurrency: Int
    public var monitorTimeoutSeconds: Double
    public var memoryLimit: Int?
    public var instructionLimit: Int64?

    public init(
        vars: [String: String] = [:], dryRun: Bool = false, guards: RunReport.Guards = RunReport.Guards(),
        concurrency: Int = RunOptions.defaultConcurrency, monitorTimeout: Duration = .seconds(120),
        limits: LuaLimits = LuaLimits()
    ) {
        self.vars = vars
        self.dryRun = dryRun
        maxChanges = guards.maxChanges
        maxFailureRate = guards.maxFailureRate
        minimumForRate = guards.minimumForRate
        self.concurrency = concurrency
        monitorTimeoutSeconds = monitorTimeout.seconds
        memoryLimit = limits.memoryLimit
        instructionLimit = limits.instructionLimit
    }

    public var guards: RunReport.Guards {
        RunReport.Guards(maxChanges: maxChanges, maxFailureRate: maxFailureRate, minimumForRate: minimumForRate)
    }

    public var limits: LuaLimits { LuaLimits(memoryLimit: memoryLimit, instructionLimit: instructionLimit) }

    public var monitorTimeout: Duration { .milliseconds(Int64(monitorTimeoutSeconds * 1000)) }

    /// As stored with the run.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Read back from the run; nil when the text is not settings this build understands.
    public init?(json: String) {
        guard let settings = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = settings
    }
}
