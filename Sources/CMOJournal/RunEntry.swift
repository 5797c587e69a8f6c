import Foundation
import GRDB

/// One `cmo run` as the journal keeps it (table `run`).
///
/// A resumed run is a new row whose `rootID` is the first run's id: the changes of every run with the same root
/// are one job's history.
public struct RunEntry: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run"

    /// `20261127-161200-3fa9`: start time (UTC) and four random hex digits.
    public var id: String
    /// The first run of the chain this run resumes (its own id when it resumes nothing).
    public var rootID: String
    /// The run this one resumed, if any.
    public var resumedFrom: String?
    /// The script's absolute path, and the SHA-256 of its content when the run started.
    public var scriptPath: String
    public var scriptHash: String
    /// `--var` pairs.
    public var vars: [String: String]
    /// `--input` files: name → path and content hash.
    public var inputs: [String: InputFile]
    public var dryRun: Bool
    /// The schedule job that started the run, if a schedule did.
    public var job: String?
    public var startedAt: Date
    public var endedAt: Date?
    /// The exit code, once the run ended (nil: still running, or the process died).
    public var exitCode: Int32?
    /// Why the run stopped or failed, briefly (the first line of the error report).
    public var stopReason: String?
    /// Changes per outcome (`changed`, `failed`, ...), once the run ended (for a run without an end,
    /// ``Journal/changeCounts(ofRun:)`` counts its changes so far).
    public var counts: [String: Int]
    /// The process that ran it.
    public var pid: Int32

    /// An input file as the run saw it.
    public struct InputFile: Codable, Sendable, Equatable {
        public var path: String
        public var hash: String?

        public init(path: String, hash: String?) {
            self.path = path
            self.hash = hash
        }
    }

    public init(
        id: String, rootID: String? = nil, resumedFrom: String? = nil, scriptPath: String, scriptHash: String,
        vars: [String: String] = [:], inputs: [String: InputFile] = [:], dryRun: Bool = false, job: String? = nil,
        startedAt: Date = Date(), pid: Int32 = ProcessInfo.processInfo.processIdentifier
    ) {
        self.id = id
        self.rootID = rootID ?? id
        self.resumedFrom = resumedFrom
        self.scriptPath = scriptPath
        self.scriptHash = scriptHash
        self.vars = vars
        self.inputs = inputs
        self.dryRun = dryRun
        self.job = job
        self.startedAt = startedAt
        self.endedAt = nil
        self.exitCode = nil
        self.stopReason = nil
        self.counts = [:]
        self.pid = pid
    }

    enum CodingKeys: String, CodingKey {
        case id, rootID = "root_id", resumedFrom = "resumed_from", scriptPath = "script_path"
        case scriptHash = "script_hash", vars, inputs, dryRun = "dry_run", job, startedAt = "started_at"
        case endedAt = "ended_at", exitCode = "exit_code", stopReason = "stop_reason", counts, pid
    }

    /// How long the run took, if it ended.
    public var seconds: Double? { endedAt.map { $0.timeIntervalSince(startedAt) } }

    /// A new run id for a run starting at `date`: `20261127-161200-3fa9` (UTC).
    public static func makeID(at date: Date = Date()) -> String {
        // From the journal's own date text (no Calendar: loading ICU's calendar data costs megabytes of RSS).
        let text = JournalDate.text(date)
        let digits = text.filter(\.isNumber)
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return String(digits.prefix(8)) + "-" + String(digits.dropFirst(8).prefix(6)) + "-"
            + String(repeating: "0", count: 4 - suffix.count) + suffix
    }

    /// For each run of `chains` (whole chains of resumed runs) that did not succeed, the first run that resumed
    /// it, directly or through other resumes, and succeeded (exit 0): the run that finished its work.
    public static func finishers(in chains: [RunEntry]) -> [String: String] {
        var resumers: [String: [RunEntry]] = [:]
        for run in chains.sorted(by: { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }) {
            if let resumed = run.resumedFrom { resumers[resumed, default: []].append(run) }
        }
        func finisher(of id: String) -> String? {
            for resumer in resumers[id] ?? [] {
                if resumer.exitCode == 0 { return resumer.id }
                if let later = finisher(of: resumer.id) { return later }
            }
            return nil
        }
        var finishers: [String: String] = [:]
        for run in chains where run.exitCode != 0 {
            finishers[run.id] = finisher(of: run.id)
        }
        return finishers
    }

    /// Writes dates as the journal's text (GRDB's own encoding goes through ICU's `DateFormatter`).
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["root_id"] = rootID
        container["resumed_from"] = resumedFrom
        container["script_path"] = scriptPath
        container["script_hash"] = scriptHash
        container["vars"] = try JournalJSON.text(vars)
        container["inputs"] = try JournalJSON.text(inputs)
        container["dry_run"] = dryRun
        container["job"] = job
        container["started_at"] = JournalDate.text(startedAt)
        container["ended_at"] = endedAt.map(JournalDate.text)
        container["exit_code"] = exitCode
        container["stop_reason"] = stopReason
        container["counts"] = try JournalJSON.text(counts)
        container["pid"] = pid
    }
}
