/// Writes a suite's results as JUnit XML (the `testsuites` form CI servers read): one `testsuite` per file, a
/// `testcase` per test with `failure` or `skipped`, a file that did not run as an `error`. Every text and attribute
/// goes through ``XMLText``.
public enum JUnitWriter {
    public static func xml(_ report: TestReport) -> String {
        let counts = report.counts
        let total = counts.passed + counts.failed + counts.pending
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += XMLText.open(
            "testsuites",
            [
                ("name", "cmo test"), ("tests", String(total + counts.fileErrors)), ("failures", String(counts.failed)),
                ("errors", String(counts.fileErrors)), ("skipped", String(counts.pending)),
                ("time", TestReport.format(report.seconds)),
            ]) + "\n"
        for file in report.files { xml += suite(file) }
        xml += "</testsuites>\n"
        return xml
    }

    private static func suite(_ file: TestFileResult) -> String {
        let failed = file.cases.count { $0.status == .failed }
        let skipped = file.cases.count { $0.status == .pending }
        var xml = "  " + XMLText.open(
            "testsuite",
            [
                ("name", file.path), ("tests", String(file.cases.count + (file.error == nil ? 0 : 1))),
                ("failures", String(failed)), ("errors", file.error == nil ? "0" : "1"),
                ("skipped", String(skipped)), ("time", TestReport.format(file.seconds)),
            ]) + "\n"
        for test in file.cases {
            let attributes = [("classname", file.path), ("name", test.name), ("time", TestReport.format(test.seconds))]
            switch test.status {
            case .passed:
                xml += "    " + XMLText.empty("testcase", attributes) + "\n"
            case .pending:
                xml += "    " + XMLText.open("testcase", attributes) + XMLText.empty("skipped", [("message", "pending")])
                xml += "</testcase>\n"
            case .failed:
                let message = test.message ?? "failed"
                xml += "    " + XMLText.open("testcase", attributes)
                xml += XMLText.open("failure", [("message", TestReport.firstLine(message)), ("type", "assertion")])
                xml += XMLText.escape(message + (test.location.map { "\nat \($0)" } ?? ""))
                xml += "</failure></testcase>\n"
            }
        }
        if let error = file.error {
            xml += "    " + XMLText.open("testcase", [("classname", file.path), ("name", "(file)"), ("time", "0")])
            xml += XMLText.open("error", [("message", TestReport.firstLine(error))]) + XMLText.escape(error)
            xml += "</error></testcase>\n"
        }
        xml += "  </testsuite>\n"
        return xml
    }
}

/// XML escaping for text and attribute values; characters XML 1.0 cannot hold at all (most control characters)
/// become U+FFFD.
public enum XMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped and characters XML forbids replaced.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                let allowed = (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value) || value >= 0x10000
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    static func open(_ name: String, _ pairs: [(String, String)]) -> String { "<\(name)\(attributes(pairs))>" }

    static func empty(_ name: String, _ pairs: [(String, String)]) -> String { "<\(name)\(attributes(pairs))/>" }
}
