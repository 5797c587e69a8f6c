import Foundation

/// Finds the line of a key in a schedule file, since TOMLKit does not report where values sit.
///
/// A small line scanner, honest about what it understands: it counts `[[job]]` (and `[[notify]]`) headers to know
/// which block a line belongs to, follows `[job.vars]`-style sub-table headers, and records
/// the first `key =` (or dotted `a.b =`) at the start of a line. Lines inside multi-line strings
/// are skipped. Anything it cannot place falls back to the enclosing key or the job's header.
struct ScheduleFileLocator: Sendable {
    struct JobBlock: Sendable {
        var headerLine: Int
        var keyLines: [String: Int] = [:]
    }

    /// The kinds of array-of-tables blocks it follows.
    enum BlockKind: Sendable { case job, notify }

    private(set) var jobs: [JobBlock] = []
    private(set) var notifies: [JobBlock] = []
    private(set) var topLevelLines: [String: Int] = [:]

    init(text: String) {
        var currentJob: (kind: BlockKind, index: Int)?
        var tablePath: [String] = []
        var inMultilineString = false
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            let quoteRuns = line.components(separatedBy: "\"\"\"").count - 1 + line.components(separatedBy: "'''").count - 1
            defer { if quoteRuns % 2 == 1 { inMultilineString.toggle() } }
            if inMultilineString || line.isEmpty || line.hasPrefix("#") { continue }

            if line.hasPrefix("[[") {
                let name = Self.keyPath(Self.header(line, open: "[[", close: "]]"))
                if name == ["job"] {
                    jobs.append(JobBlock(headerLine: lineNumber))
                    currentJob = (.job, jobs.count - 1)
                    tablePath = []
                } else if name == ["notify"] {
                    notifies.append(JobBlock(headerLine: lineNumber))
                    currentJob = (.notify, notifies.count - 1)
                    tablePath = []
                    record(topLevel: name, line: lineNumber)
                } else {
                    currentJob = nil
                    record(topLevel: name, line: lineNumber)
                }
            } else if line.hasPrefix("[") {
                let name = Self.keyPath(Self.header(line, open: "[", close: "]"))
                if let job = currentJob, name.first == (job.kind == .job ? "job" : "notify"), name.count > 1 {
                    tablePath = Array(name.dropFirst())
                    record(job: job, path: tablePath, line: lineNumber)
                } else {
                    currentJob = nil
                    record(topLevel: name, line: lineNumber)
                }
            } else if let equals = line.firstIndex(of: "=") {
                let key = Self.keyPath(String(line[..<equals]))
                if let job = currentJob {
                    record(job: job, path: tablePath + key, line: lineNumber)
                } else {
                    record(topLevel: key, line: lineNumber)
                }
            }
        }
    }

    /// The line of `path` (e.g. `["vars", "region"]`) in job `index`, falling back to the nearest
    /// enclosing key, then to the job's header.
    func line(job index: Int, key path: [String] = []) -> Int {
        guard jobs.indices.contains(index) else { return topLevelLines["job"] ?? 1 }
        var path = path
        while !path.isEmpty {
            if let line = jobs[index].keyLines[path.joined(separator: ".")] { return line }
            path.removeLast()
        }
        return jobs[index].headerLine
    }

    /// The line of `path` in `[[notify]]` table `index`, falling back as ``line(job:key:)`` does.
    func line(notify index: Int, key path: [String] = []) -> Int {
        guard notifies.indices.contains(index) else { return topLevelLines["notify"] ?? 1 }
        var path = path
        while !path.isEmpty {
            if let line = notifies[index].keyLines[path.joined(separator: ".")] { return line }
            path.removeLast()
        }
        return notifies[index].headerLine
    }

    /// The line where the top-level key or table `name` first appears.
    func line(topLevel name: String) -> Int? {
        topLevelLines[name]
    }

    private mutating func record(job: (kind: BlockKind, index: Int), path: [String], line: Int) {
        let key = path.joined(separator: ".")
        switch job.kind {
        case .job: if jobs[job.index].keyLines[key] == nil { jobs[job.index].keyLines[key] = line }
        case .notify: if notifies[job.index].keyLines[key] == nil { notifies[job.index].keyLines[key] = line }
        }
    }

    private mutating func record(topLevel path: [String], line: Int) {
        guard let first = path.first, topLevelLines[first] == nil else { return }
        topLevelLines[first] = line
    }

    private static func header(_ line: String, open: String, close: String) -> String {
        var inner = line.dropFirst(open.count)
        if let end = inner.range(of: close) { inner = inner[..<end.lowerBound] }
        return String(inner)
    }

    /// `a . "b c"` -> `["a", "b c"]`.
    private static func keyPath(_ text: String) -> [String] {
        text.split(separator: ".").map { part in
            var trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
                trimmed = String(trimmed.dropFirst().dropLast())
            }
            return trimmed
        }
    }
}
