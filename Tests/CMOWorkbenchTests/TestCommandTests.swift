import CMOTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("cmo test")
struct TestCommandTests {
    static let root = (0..<3).reduce(URL(fileURLWithPath: #filePath)) { url, _ in url.deletingLastPathComponent() }.path
    static let fixture = root + "/Tests/Fixtures/workbench/sample_test.lua"

    @Test("a failing test: exit 1, its file:line and both values in the summary, a JUnit file that parses")
    func failing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let junit = directory.appendingPathComponent("results.xml").path
        let result = try CMOBinary.run(["test", Self.fixture, "--junit", junit])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("\(Self.fixture):16: sample fails on a difference"), "\(result)")
        #expect(result.stdout.contains(#"expected: { status = "ACTIVE" }"#), "\(result)")
        #expect(result.stdout.contains(#"actual: { status = "SUSPENDED" }"#), "\(result)")
        #expect(result.stdout.contains("  ok      sample workflow runs a workflow in simulated time"), "\(result)")
        #expect(result.stdout.contains("4 tests: 2 passed, 1 failed, 1 pending; 1 files"), "\(result)")

        let data = try Data(contentsOf: URL(fileURLWithPath: junit))
        let collector = JUnitCollector()
        let parser = XMLParser(data: data)
        parser.delegate = collector
        #expect(parser.parse(), "\(String(decoding: data, as: UTF8.self))")
        #expect(collector.testcases == 4)
        #expect(collector.failures == 1)
        #expect(collector.skipped == 1)
        #expect(collector.rootAttributes["failures"] == "1")
    }

    @Test("--filter, --tap, a file that does not run, and usage errors")
    func options() throws {
        let passing = try CMOBinary.run(["test", Self.fixture, "--filter", "workflow", "--tap"])
        #expect(passing.status == 0, "\(passing)")
        #expect(passing.stdout.hasPrefix("TAP version 13\nok 1 - "), "\(passing)")
        #expect(passing.stdout.hasSuffix("1..1\n"), "\(passing)")

        let broken = try CMOBinary.run(["test", Self.root + "/Tests/Fixtures/workbench/broken_test.lua"])
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stdout.contains("broken_test.lua:4: the file did not run"), "\(broken)")

        let missing = try CMOBinary.run(["test", Self.root + "/no/such/dir"])
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("no such file or directory"), "\(missing)")
    }
}

/// Counts what a JUnit file holds.
final class JUnitCollector: NSObject, XMLParserDelegate {
    var testcases = 0
    var failures = 0
    var skipped = 0
    var rootAttributes: [String: String] = [:]

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch name {
        case "testsuites": rootAttributes = attributes
        case "testcase": testcases += 1
        case "failure": failures += 1
        case "skipped": skipped += 1
        default: break
        }
    }
}
