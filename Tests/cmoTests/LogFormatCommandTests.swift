import CMOJournal
import CMOTestSupport
import Foundation
import Testing

/// `cmo run --log-format json`: every stderr line a JSON object with time, level, label, message, run id and the
/// metadata.
@Suite struct LogFormatCommandTests {
    static let script = """
        cmo.log.info("hello", { region = "eu" })
        cmo.log.warn("careful")
        cmo.log.info("shadow", { time = "mine", message = "also mine" })
        print("to stdout")
        """

    static func objects(_ stderr: String) throws -> [[String: Any]] {
        try stderr.split(separator: "\n").map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test func aRunLogsJSONLinesWithItsRunID() throws {
        let directory = try CLI.workspace(Self.script)
        let journal = directory + "/journal.sqlite"
        let result = try CLI.run(
            ["run", "workflow.lua", "--no-api", "--journal", journal, "--log-format", "json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "to stdout\n")
        let objects = try Self.objects(result.stderr)
        let runID = try #require(try SQLiteJournal(path: journal).runs(limit: 1).first?.id)
        let hello = try #require(objects.first { $0["message"] as? String == "hello" })
        #expect(hello["level"] as? String == "info")
        #expect(hello["label"] as? String == "cmo")
        #expect(hello["region"] as? String == "eu")
        #expect(hello["run_id"] as? String == runID)
        #expect(hello["script"] as? String == "workflow.lua" || (hello["script"] as? String)?.hasSuffix("/workflow.lua") == true)
        let time = try #require(hello["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "RFC 3339, UTC, ms: \(time)")
        #expect(objects.contains { $0["message"] as? String == "careful" && $0["level"] as? String == "warning" })
        // Metadata never shadows the line's own fields.
        let shadow = try #require(objects.first { $0["message"] as? String == "shadow" })
        #expect(shadow["metadata.time"] as? String == "mine" && shadow["metadata.message"] as? String == "also mine")
        #expect((shadow["time"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func theOperatorsLinesAreJSONTooAndTextStaysTheDefault() throws {
        let directory = try CLI.workspace("error('boom')")
        let json = try CLI.run(["run", "workflow.lua", "--no-api", "--no-journal"], environment: ["CMO_LOG_FORMAT": "json"], in: directory)
        #expect(json.status == 1)
        let objects = try Self.objects(json.stderr)
        // The error and its traceback: one line for the operator, so one JSON object.
        #expect(objects.contains {
            ($0["message"] as? String)?.hasPrefix("cmo: workflow.lua:1: boom\nstack traceback:") == true
                && $0["level"] as? String == "notice"
        })
        let text = try CLI.run(["run", "workflow.lua", "--no-api", "--no-journal"], in: directory)
        #expect(text.stderr.hasPrefix("cmo: ") || text.stderr.hasPrefix("error"), "\(text.stderr)")
        #expect(!text.stderr.hasPrefix("{"))
        let bad = try CLI.run(["run", "workflow.lua", "--no-api", "--log-format", "xml"], in: directory)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--log-format"))
    }
}
