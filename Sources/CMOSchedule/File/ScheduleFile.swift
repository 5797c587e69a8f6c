import Foundation
import TOMLKit

/// A parsed schedule file: one `[[job]]` table per job, `[[notify]]` webhooks, and a `retention` for the journal.
///
/// ```toml
/// retention = "90d"
///
/// [[notify]]
/// url = "https://hooks.example.com/cmo"
///
/// [[job]]
/// name = "nightly-report"
/// cron = "30 2 * * *"
/// timezone = "Europe/Berlin"
/// script = "workflows/report.lua"
/// vars = { region = "eu", limit = 500 }
/// ```
///
/// Parsing collects every problem in the file, each with its line, into one ``ScheduleFileError``.
public struct ScheduleFile: Sendable {
    /// The file as the user named it (used in error messages).
    public let path: String
    /// The jobs, in file order.
    public let jobs: [ScheduledJob]
    /// The `[[notify]]` webhooks, in file order.
    public let notify: [NotifyTarget]
    /// `retention`: how long finished runs are kept in the journal (nil: for ever). The daemon prunes older ones
    /// at start and daily.
    public let retention: Duration?

    /// Reads and parses the file at `url`. Relative paths in it are resolved against its directory.
    ///
    /// - Parameters:
    ///   - displayPath: how error messages name the file; defaults to `url.relativePath`, which is
    ///     the path as typed for a URL made with `URL(fileURLWithPath:)`.
    ///   - requireExistingFiles: also report `script` and `inputs` files that do not exist.
    /// - Throws: ``ScheduleFileError`` with every problem found.
    public init(contentsOf url: URL, displayPath: String? = nil, requireExistingFiles: Bool = true) throws(ScheduleFileError) {
        let path = displayPath ?? url.relativePath
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ScheduleFileError(path: path, issues: [.init(line: nil, message: "cannot read file: \(error.localizedDescription)")])
        }
        try self.init(
            text: text,
            path: path,
            baseDirectory: url.deletingLastPathComponent(),
            requireExistingFiles: requireExistingFiles
        )
    }

    /// Parses schedule-file `text`.
    ///
    /// - Parameters:
    ///   - path: how error messages name the file.
    ///   - baseDirectory: the directory relative `script`, `inputs` and `report` paths are resolved against.
    ///   - requireExistingFiles: also report `script` and `inputs` files that do not exist.
    /// - Throws: ``ScheduleFileError`` with every problem found, sorted by line.
    public init(text: String, path: String, baseDirectory: URL, requireExistingFiles: Bool = false) throws(ScheduleFileError) {
        self.path = path
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ScheduleFileError(path: path, issues: [
                .init(line: error.source.begin.line, column: error.source.begin.column, message: error.description),
            ])
        } catch {
            throw ScheduleFileError(path: path, issues: [.init(line: nil, message: "\(error)")])
        }

        let locator = ScheduleFileLocator(text: text)
        var issues: [ScheduleFileError.Issue] = []
        for key in root.keys where !["job", "notify", "retention"].contains(key) {
            issues.append(.init(line: locator.line(topLevel: key) ?? 1, message: "unknown top-level key '\(key)'"))
        }

        let jobs = Self.decodeJobs(
            root["job"], locator: locator, baseDirectory: baseDirectory, requireExistingFiles: requireExistingFiles,
            issues: &issues)
        if issues.isEmpty, jobs.isEmpty {
            issues.append(.init(line: nil, message: "no jobs defined (add a [[job]] table)"))
        }
        // Jobs named in a [[notify]] are checked against every job table's name, valid or not.
        let names = Set(root["job"]?.array?.compactMap { $0.table?["name"]?.string } ?? [])
        let notify = Self.decodeNotify(root["notify"], locator: locator, jobNames: names, issues: &issues)
        let retention = Self.decodeRetention(root["retention"], locator: locator, issues: &issues)
        guard issues.isEmpty else { throw ScheduleFileError(path: path, issues: issues) }
        self.jobs = jobs
        self.notify = notify
        self.retention = retention
    }

    /// The `[[job]]` tables, each checked, names unique.
    private static func decodeJobs(
        _ value: (any TOMLValueConvertible)?, locator: ScheduleFileLocator, baseDirectory: URL,
        requireExistingFiles: Bool, issues: inout [ScheduleFileError.Issue]
    ) -> [ScheduledJob] {
        var jobs: [ScheduledJob] = []
        guard let value else { return jobs }
        if let array = value.array, array.allSatisfy({ $0.table != nil }) {
            var firstLineOfName: [String: Int] = [:]
            for (index, element) in array.enumerated() {
                guard let table = element.table else { continue }
                var decoder = JobTableDecoder(
                    table: table,
                    index: index,
                    locator: locator,
                    baseDirectory: baseDirectory,
                    requireExistingFiles: requireExistingFiles
                )
                let job = decoder.decode()
                if let name = decoder.name {
                    let line = locator.line(job: index, key: ["name"])
                    if let first = firstLineOfName[name] {
                        decoder.report("duplicate job name '\(name)' (first defined on line \(first))", at: ["name"])
                    } else {
                        firstLineOfName[name] = line
                    }
                }
                issues += decoder.issues
                if let job, decoder.issues.isEmpty { jobs.append(job) }
            }
        } else {
            let got = value.array == nil ? JobTableDecoder.typeName(value.type) : "array of non-tables"
            issues.append(.init(
                line: locator.line(topLevel: "job") ?? 1,
                message: "'job' must be an array of tables ([[job]]), got \(got)"
            ))
        }
        return jobs
    }
}
