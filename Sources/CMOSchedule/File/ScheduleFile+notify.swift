import Foundation
import TOMLKit

extension ScheduleFile {
    /// The `[[notify]]` tables, each checked (jobs named in `jobs` must be in the file).
    static func decodeNotify(
        _ value: (any TOMLValueConvertible)?, locator: ScheduleFileLocator, jobNames: Set<String>,
        issues: inout [ScheduleFileError.Issue]
    ) -> [NotifyTarget] {
        guard let value else { return [] }
        guard let array = value.array, array.allSatisfy({ $0.table != nil }) else {
            let got = value.array == nil ? JobTableDecoder.typeName(value.type) : "array of non-tables"
            issues.append(.init(
                line: locator.line(topLevel: "notify") ?? 1,
                message: "'notify' must be an array of tables ([[notify]]), got \(got)"))
            return []
        }
        var targets: [NotifyTarget] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else { continue }
            var decoder = NotifyTableDecoder(table: table, index: index, locator: locator, jobNames: jobNames)
            let target = decoder.decode()
            issues += decoder.issues
            if let target, decoder.issues.isEmpty { targets.append(target) }
        }
        return targets
    }

    /// `retention = "90d"`: a duration of at least an hour.
    static func decodeRetention(
        _ value: (any TOMLValueConvertible)?, locator: ScheduleFileLocator, issues: inout [ScheduleFileError.Issue]
    ) -> Duration? {
        guard let value else { return nil }
        let line = locator.line(topLevel: "retention") ?? 1
        guard let text = value.string else {
            issues.append(.init(
                line: line, message: "'retention' must be a duration string, got \(JobTableDecoder.typeName(value.type))"))
            return nil
        }
        guard let retention = Duration(scheduleText: text), retention >= .seconds(3_600) else {
            issues.append(.init(
                line: line,
                message: "retention: invalid duration '\(text)' (use e.g. \"90d\", \"12h\"; at least 1h)"))
            return nil
        }
        return retention
    }
}
