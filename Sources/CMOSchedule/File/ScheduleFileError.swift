/// Everything wrong with a schedule file, sorted by line. Each issue renders as
/// `jobs.toml:7: job 'nightly': cron: minute: 61 is out of range 0-59`.
public struct ScheduleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem at one place in the file.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line, or nil for problems with the file as a whole.
        public let line: Int?
        /// 1-based column, for TOML syntax errors.
        public let column: Int?
        /// The message, starting with the job (`job 'nightly': ...` or `job #2: ...`) when in one.
        public let message: String

        public init(line: Int?, column: Int? = nil, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        /// `7: message`, or `3:5: message` with a column, or just the message.
        public var description: String {
            switch (line, column) {
            case let (line?, column?): "\(line):\(column): \(message)"
            case let (line?, nil): "\(line): \(message)"
            default: message
            }
        }
    }

    /// The file as the user named it, which starts every rendered line.
    public let path: String
    /// The problems, sorted by line (file-wide problems first).
    public let issues: [Issue]

    public init(path: String, issues: [Issue]) {
        self.path = path
        self.issues = issues.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
            let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
    }

    /// One line per issue: `jobs.toml:7: job 'nightly': ...`.
    public var lines: [String] {
        issues.map { $0.line == nil ? "\(path): \($0)" : "\(path):\($0)" }
    }

    public var description: String {
        lines.joined(separator: "\n")
    }
}
