import Foundation
import TOMLKit

/// Turns one `[[notify]]` table into a ``NotifyTarget``, collecting every problem with its line.
struct NotifyTableDecoder {
    static let knownKeys: Set<String> = ["url", "format", "on", "jobs"]

    let table: TOMLTable
    let index: Int
    let locator: ScheduleFileLocator
    /// The names of the file's jobs, to check `jobs` against (nil: not checked).
    let jobNames: Set<String>?

    private(set) var issues: [ScheduleFileError.Issue] = []

    /// Records `message` at the line of `key` (or the table's header).
    private mutating func report(_ message: String, at key: String? = nil) {
        issues.append(.init(
            line: locator.line(notify: index, key: key.map { [$0] } ?? []), message: "notify #\(index + 1): \(message)"))
    }

    mutating func decode() -> NotifyTarget? {
        for key in table.keys.sorted() where !Self.knownKeys.contains(key) {
            report("unknown key '\(key)'", at: key)
        }
        let url = decodeURL()
        var format = NotifyFormat.json
        if let value = table["format"] {
            if let text = value.string, let parsed = NotifyFormat(rawValue: text) {
                format = parsed
            } else {
                let allowed = NotifyFormat.allCases.map(\.rawValue).joined(separator: ", ")
                report("format: must be one of \(allowed), got \(Self.describe(value))", at: "format")
            }
        }
        let events = decodeEvents()
        let jobs = decodeJobs()
        guard let url else { return nil }
        return NotifyTarget(url: url, format: format, events: events, jobs: jobs, line: locator.line(notify: index))
    }

    private mutating func decodeURL() -> URL? {
        guard let value = table["url"] else {
            report("missing required key 'url'")
            return nil
        }
        guard let text = value.string else {
            report("'url' must be a string, got \(JobTableDecoder.typeName(value.type))", at: "url")
            return nil
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            // The URL may carry a secret: name its scheme and host at most.
            let shown = URL(string: text).map(NotifyTarget.redact) ?? "the value given"
            report("url: must be an http or https URL with a host, got \(shown)", at: "url")
            return nil
        }
        return url
    }

    private mutating func decodeEvents() -> Set<NotifyEvent> {
        let all = Set(NotifyEvent.allCases)
        guard let value = table["on"] else { return all }
        guard let names = strings(value, key: "on") else { return all }
        var events: Set<NotifyEvent> = []
        for name in names {
            guard let event = NotifyEvent(rawValue: name) else {
                let allowed = NotifyEvent.allCases.map(\.rawValue).joined(separator: ", ")
                report("on: unknown event '\(name)' (use \(allowed))", at: "on")
                continue
            }
            events.insert(event)
        }
        if names.isEmpty { report("on: must name at least one event", at: "on") }
        return events.isEmpty ? all : events
    }

    private mutating func decodeJobs() -> Set<String>? {
        guard let value = table["jobs"] else { return nil }
        guard let names = strings(value, key: "jobs") else { return nil }
        if names.isEmpty { report("jobs: must name at least one job (leave it out for every job)", at: "jobs") }
        if let jobNames {
            for name in names where !jobNames.contains(name) {
                report("jobs: no job named '\(name)' in this file", at: "jobs")
            }
        }
        return Set(names)
    }

    /// The value as an array of strings, or nil after reporting why not.
    private mutating func strings(_ value: any TOMLValueConvertible, key: String) -> [String]? {
        guard let array = value.array else {
            report("'\(key)' must be an array of strings, got \(JobTableDecoder.typeName(value.type))", at: key)
            return nil
        }
        var names: [String] = []
        for element in array {
            guard let name = element.string else {
                report("'\(key)' must be an array of strings, got an element of type \(JobTableDecoder.typeName(element.type))", at: key)
                return nil
            }
            names.append(name)
        }
        return names
    }

    private static func describe(_ value: any TOMLValueConvertible) -> String {
        value.string.map { "'\($0)'" } ?? JobTableDecoder.typeName(value.type)
    }
}
