import ArgumentParser
import CMOEngine
import CMOWorkbench
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `cmo test [PATH...]`: runs workflow tests (`*_test.lua`) against in-process simulators in simulated time.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run workflow tests (*_test.lua) against in-process simulators, in simulated time.",
        discussion: """
            Each file runs in its own Lua state, busted style: describe, it, before_each, after_each, setup, \
            teardown, pending, and luassert-style assertions (assert.are.same, assert.is_true, assert.has_error, \
            ...). workbench.run{script = ..., fleet = {seed = 1, size = 1000}, faults = {...}, vars = {...}, \
            options = {dry_run = true}} runs a workflow against a fresh simulator and returns its exit code, \
            changes, output and the simulator's counts and statuses; waits (monitor polling, cmo.sleep, async \
            delays, back-off) take no real time.

            Exit status: 0 when every test passed, 1 when any failed, 2 for usage errors.
            """
    )

    @Argument(help: "Test files, or directories to search for *_test.lua (default: the working directory).")
    var paths: [String] = []

    @Option(help: "Run only the tests whose full name (describe names and it name) contains this text.")
    var filter: String?

    @Option(help: "Also write the results as JUnit XML to this file.")
    var junit: String?

    @Flag(help: "Write TAP (version 13) to standard output instead of the summary.")
    var tap = false

    @Option(help: "Test files run at once (default: the number of processors).")
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let filter, filter.isEmpty { throw ValidationError("--filter needs a non-empty text") }
    }

    func run() async throws {
        let suite: TestSuite
        do {
            suite = try TestSuite(paths: paths)
        } catch {
            FileOutput.standardError.write("cmo test: \(error)\n")
            throw ExitCode(2)
        }
        if suite.files.isEmpty {
            FileOutput.standardError.write("cmo test: no *_test.lua files under \(paths.isEmpty ? "." : paths.joined(separator: ", "))\n")
            throw ExitCode(2)
        }
        let logger = Logger.standardError("cmo", level: .warning)
        let runner = TestFileRunner(stdlibPath: Stdlib.defaultPath(), filter: filter, logger: logger)
        let started = ContinuousClock.now
        let files = await suite.run(with: runner, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let elapsed = (ContinuousClock.now - started).components
        let report = TestReport(
            files: files, seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
        FileOutput.standardOutput.write((tap ? report.tap : report.text) + "\n")
        if let junit {
            do {
                try Data(JUnitWriter.xml(report).utf8).write(to: URL(fileURLWithPath: junit))
            } catch {
                FileOutput.standardError.write("cmo test: cannot write \(junit): \(error.localizedDescription)\n")
                throw ExitCode(2)
            }
        }
        if !report.succeeded { throw ExitCode(1) }
    }
}
