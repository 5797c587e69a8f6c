import Foundation
import TOMLKit

/// Turns one `[[job]]` table into a ``ScheduledJob``, collecting every problem with its line
/// instead of stopping at the first.
struct JobTableDecoder {
    static let knownKeys: Set<String> = [
        "name", "cron", "timezone", "script", "vars", "overlap", "catch_up", "catch_up_window",
        "pause_after_failures", "dry_run", "max_changes", "max_failure_rate", "concurrency",
        "rate_limit", "tenant_rate_limit", "timeout", "inputs", "report", "profile",
    ]

    let table: TOMLTable
    let index: Int
    let locator: ScheduleFileLocator
    let baseDirectory: URL
    let requireExistingFiles: Bool

    private(set) var issues: [ScheduleFileError.Issue] = []
    /// The job's name, once read (nil when missing or not a string).
    private(set) var name: String?

    init(table: TOMLTable, index: Int, locator: ScheduleFileLocator, baseDirectory: URL, requireExistingFiles: Bool) {
        self.table = table
        self.index = index
        self.locator = locator
        self.baseDirectory = baseDirectory
        self.requireExistingFiles = requireExistingFiles
    }

    /// `job 'nightly'`, or `job #2` before the name is known.
    private var label: String {
        name.map { "job '\($0)'" } ?? "job #\(index + 1)"
    }

    /// Records `message` at the line of `key` (or the job's header).
    mutating func report(_ message: String, at key: [String] = []) {
        issues.append(.init(line: locator.line(job: index, key: key), message: "\(label): \(message)"))
    }

    mutating func decode() -> ScheduledJob? {
        if let value = table["name"] {
            if let text = value.string {
                if text.trimmingCharacters(in: .whitespaces).isEmpty {
                    report("name: must not be empty", at: ["name"])
                } else {
                    name = text
                }
            } else {
                report(typeMismatch("name", expected: "a string", got: value), at: ["name"])
            }
        } else {
            report("missing required key 'name'")
        }
        for key in table.keys.sorted() where !Self.knownKeys.contains(key) {
            report("unknown key '\(key)'", at: [key])
        }

        let cron = decodeCron()
        let timeZone = decodeTimeZone()
        let script = requiredString("script").flatMap { resolveFile($0, key: ["script"], mustExist: true) }
        let vars = decodeVars()
        let overlap = enumeration("overlap", default: OverlapPolicy.skip)
        let catchUp = enumeration("catch_up", default: CatchUpPolicy.never)
        let catchUpWindow = decodeWindow()
        let pauseAfterFailures = integer("pause_after_failures", minimum: 1)
        let runOptions = decodeRunOptions()

        guard let name, let cron, let timeZone, let script else { return nil }
        return ScheduledJob(
            name: name,
            cron: cron,
            timeZone: timeZone,
            script: script,
            vars: vars,
            overlap: overlap,
            catchUp: catchUp,
            catchUpWindow: catchUpWindow,
            pauseAfterFailures: pauseAfterFailures,
            runOptions: runOptions,
            line: locator.line(job: index)
        )
    }

    // MARK: Keys

    private mutating func decodeCron() -> CronExpression? {
        guard let text = requiredString("cron") else { return nil }
        do {
            return try CronExpression(text)
        } catch {
            report("cron: \(error)", at: ["cron"])
            return nil
        }
    }

    private mutating func decodeTimeZone() -> TimeZone? {
        guard let identifier = string("timezone") else { return TimeZone(identifier: "UTC") }
        guard let zone = TimeZone(identifier: identifier) else {
            report("timezone: unknown time zone '\(identifier)'", at: ["timezone"])
            return TimeZone(identifier: "UTC")
        }
        return zone
    }

    private mutating func decodeVars() -> [String: String] {
        guard let value = table["vars"] else { return [:] }
        guard let vars = value.table else {
            report(typeMismatch("vars", expected: "a table", got: value), at: ["vars"])
            return [:]
        }
        var result: [String: String] = [:]
        for key in vars.keys.sorted() {
            guard let entry = vars[key] else { continue }
            if let text = entry.string {
                result[key] = text
            } else if let number = entry.int {
                result[key] = String(number)
            } else if let number = entry.double {
                result[key] = String(number)
            } else if let flag = entry.bool {
                result[key] = String(flag)
            } else {
                report(typeMismatch("vars.\(key)", expected: "a string, number or boolean", got: entry), at: ["vars", key])
            }
        }
        return result
    }

    private mutating func decodeWindow() -> Duration {
        let fallback = Duration.seconds(3_600)
        guard let value = table["catch_up_window"] else { return fallback }
        let window: Duration
        if let seconds = value.int {
            window = .seconds(seconds)
        } else if let text = value.string {
            guard let parsed = Duration(scheduleText: text) else {
                report(
                    "catch_up_window: invalid duration '\(text)' (use e.g. \"90s\", \"30m\", \"6h\", \"2d\" or integer seconds)",
                    at: ["catch_up_window"]
                )
                return fallback
            }
            window = parsed
        } else {
            report(typeMismatch("catch_up_window", expected: "a duration string or integer seconds", got: value), at: ["catch_up_window"])
            return fallback
        }
        guard window > .zero else {
            report("catch_up_window: must be greater than 0", at: ["catch_up_window"])
            return fallback
        }
        return window
    }

    private mutating func decodeRunOptions() -> JobRunOptions {
        var options = JobRunOptions()
        if let value = table["dry_run"] {
            if let flag = value.bool {
                options.dryRun = flag
            } else {
                report(typeMismatch("dry_run", expected: "a boolean", got: value), at: ["dry_run"])
            }
        }
        options.maxChanges = integer("max_changes", minimum: 0)
        options.concurrency = integer("concurrency", minimum: 1)
        if let rate = number("max_failure_rate") {
            if (0...1).contains(rate.value) {
                options.maxFailureRate = rate.value
            } else {
                report("max_failure_rate: must be between 0 and 1, got \(rate.text)", at: ["max_failure_rate"])
            }
        }
        options.rateLimit = positiveNumber("rate_limit")
        options.tenantRateLimit = positiveNumber("tenant_rate_limit")
        options.timeout = positiveNumber("timeout")
        if let value = table["inputs"] {
            if let inputs = value.table {
                for key in inputs.keys.sorted() {
                    guard let entry = inputs[key] else { continue }
                    guard let path = entry.string else {
                        report(typeMismatch("inputs.\(key)", expected: "a string", got: entry), at: ["inputs", key])
                        continue
                    }
                    options.inputs[key] = resolveFile(path, key: ["inputs", key], mustExist: true)
                }
            } else {
                report(typeMismatch("inputs", expected: "a table", got: value), at: ["inputs"])
            }
        }
        options.report = string("report").flatMap { resolveFile($0, key: ["report"], mustExist: false) }
        options.profile = string("profile")
        return options
    }

    // MARK: Typed accessors

    private mutating func string(_ key: String) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            report(typeMismatch(key, expected: "a string", got: value), at: [key])
            return nil
        }
        return text
    }

    private mutating func requiredString(_ key: String) -> String? {
        guard table[key] != nil else {
            report("missing required key '\(key)'")
            return nil
        }
        guard let text = string(key) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            report("\(key): must not be empty", at: [key])
            return nil
        }
        return text
    }

    private mutating func integer(_ key: String, minimum: Int) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else {
            report(typeMismatch(key, expected: "an integer", got: value), at: [key])
            return nil
        }
        guard number >= minimum else {
            report("\(key): must be at least \(minimum), got \(number)", at: [key])
            return nil
        }
        return number
    }

    /// An integer or float, with its text as written for messages (`0`, not `0.0`).
    private mutating func number(_ key: String) -> (value: Double, text: String)? {
        guard let value = table[key] else { return nil }
        if let number = value.int { return (Double(number), String(number)) }
        if let number = value.double { return (number, String(number)) }
        report(typeMismatch(key, expected: "a number", got: value), at: [key])
        return nil
    }

    private mutating func positiveNumber(_ key: String) -> Double? {
        guard let number = number(key) else { return nil }
        guard number.value > 0 else {
            report("\(key): must be greater than 0, got \(number.text)", at: [key])
            return nil
        }
        return number.value
    }

    private mutating func enumeration<Policy: RawRepresentable & CaseIterable>(
        _ key: String,
        default fallback: Policy
    ) -> Policy where Policy.RawValue == String {
        guard let text = string(key) else { return fallback }
        guard let policy = Policy(rawValue: text) else {
            let allowed = Policy.allCases.map(\.rawValue).joined(separator: ", ")
            report("\(key): must be one of \(allowed), got '\(text)'", at: [key])
            return fallback
        }
        return policy
    }

    private mutating func resolveFile(_ path: String, key: [String], mustExist: Bool) -> URL {
        let url = path.hasPrefix("/")
            ? URL(fileURLWithPath: path).standardizedFileURL
            : baseDirectory.appendingPathComponent(path).standardizedFileURL
        if mustExist, requireExistingFiles, !FileManager.default.fileExists(atPath: url.path) {
            report("\(key.joined(separator: ".")): no such file '\(url.path)'", at: key)
        }
        return url
    }

    private func typeMismatch(_ key: String, expected: String, got value: any TOMLValueConvertible) -> String {
        "'\(key)' must be \(expected), got \(Self.typeName(value.type))"
    }

    static func typeName(_ type: TOMLType) -> String {
        switch type {
        case .string: "string"
        case .int: "integer"
        case .double: "float"
        case .bool: "boolean"
        case .table: "table"
        case .array: "array"
        case .date: "date"
        case .time: "time"
        case .dateTime: "date-time"
        }
    }
}
