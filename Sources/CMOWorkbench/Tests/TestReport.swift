import Foundation

/// The text `cmo test` writes: a line per test, the failures with their `file:line`, and a summary; or TAP.
public struct TestReport: Sendable {
    public var files: [TestFileResult]
    /// Real seconds the whole suite took.
    public var seconds: Double

    public init(files: [TestFileResult], seconds: Double) {
        self.files = files
        self.seconds = seconds
    }

    var cases: [TestCaseResult] { files.flatMap(\.cases) }

    /// Whether every file ran and no test failed.
    public var succeeded: Bool { files.allSatisfy(\.succeeded) }

    /// Counts of tests by status, and of files that could not run.
    public var counts: (passed: Int, failed: Int, pending: Int, fileErrors: Int) {
        let cases = self.cases
        return (
            cases.count { $0.status == .passed }, cases.count { $0.status == .failed },
            cases.count { $0.status == .pending }, files.count { $0.error != nil }
        )
    }

    /// The readable summary.
    public var text: String {
        var lines: [String] = []
        for file in files {
            lines.append(file.path)
            for test in file.cases {
                let mark =
                    switch test.status {
                    case .passed: "  ok      "
                    case .failed: "  FAIL    "
                    case .pending: "  pending "
                    }
                lines.append(mark + test.name)
            }
            if let error = file.error { lines.append("  ERROR   " + Self.firstLine(error)) }
        }
        let failures = files.flatMap { file in
            file.cases.filter { $0.status == .failed }.map { (file.path, $0) }
        }
        if !failures.isEmpty || files.contains(where: { $0.error != nil }) {
            lines.append("")
            lines.append("Failures:")
        }
        for (path, test) in failures {
            lines.append("")
            lines.append("\(test.location ?? path): \(test.name)")
            lines.append(Self.indented(test.message ?? "failed"))
        }
        for file in files {
            guard let error = file.error else { continue }
            lines.append("")
            lines.append("\(file.errorLocation ?? file.path): the file did not run")
            lines.append(Self.indented(error))
            for line in file.output { lines.append("    | " + line) }
        }
        lines.append("")
        lines.append(summary)
        return lines.joined(separator: "\n")
    }

    /// `12 tests: 11 passed, 1 failed, 0 pending; 3 files in 0.84 s`.
    public var summary: String {
        let counts = self.counts
        let total = counts.passed + counts.failed + counts.pending
        var text = "\(total) tests: \(counts.passed) passed, \(counts.failed) failed, \(counts.pending) pending; "
        text += "\(files.count) files"
        if counts.fileErrors > 0 { text += " (\(counts.fileErrors) did not run)" }
        text += " in \(Self.format(seconds)) s"
        return text
    }

    /// TAP version 13: a line per test, failures with a YAML block, pending tests as `# SKIP`.
    public var tap: String {
        var lines = ["TAP version 13"]
        var number = 0
        for file in files {
            for test in file.cases {
                number += 1
                let description = "\(file.path): \(test.name)".replacingOccurrences(of: "#", with: "\\#")
                switch test.status {
                case .passed: lines.append("ok \(number) - \(description)")
                case .pending: lines.append("ok \(number) - \(description) # SKIP pending")
                case .failed:
                    lines.append("not ok \(number) - \(description)")
                    lines += Self.yaml(message: test.message ?? "failed", at: test.location)
                }
            }
            if let error = file.error {
                number += 1
                lines.append("not ok \(number) - \(file.path): the file did not run")
                lines += Self.yaml(message: error, at: file.errorLocation)
            }
        }
        lines.append("1..\(number)")
        return lines.joined(separator: "\n")
    }

    private static func yaml(message: String, at location: String?) -> [String] {
        var lines = ["  ---", "  message: |"]
        lines += message.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
        if let location { lines.append("  at: \"\(location)\"") }
        lines.append("  ...")
        return lines
    }

    static func firstLine(_ text: String) -> String { String(text.prefix { $0 != "\n" }) }

    static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }

    static func format(_ seconds: Double) -> String {
        String((seconds * 100).rounded() / 100)
    }
}
