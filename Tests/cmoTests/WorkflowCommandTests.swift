import CMOTestSupport
import Foundation
import Testing

/// `cmo run --sim` end to end: the example workflows, dry runs, reports, guards and exit codes.
@Suite struct WorkflowCommandTests {
    /// The repository root (scripts/workflows lives there).
    static var root: String { CLI.packageRoot }

    @Test func theTutorialRunsAgainstTheBuiltInSimulator() throws {
        let result = try CLI.run(["run", "--sim", "scripts/workflows/tutorial.lua"], in: Self.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Step 3: "))
        #expect(result.stdout.contains("Step 5: monitor Completed; the SIM now reads ACTIVE"))
        #expect(result.stderr.contains("cmo: --sim: simulator with 1000 products (seed 1) at http://127.0.0.1:"))
        #expect(result.stderr.contains("changes: 2 changed"))
    }

    @Test func aDryRunReportsWhatWouldChangeAndWritesTheReport() throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json")
        let result = try CLI.run(
            ["run", "--sim", "scripts/workflows/activate-offering.lua", "--var", "offering=IoT Flex 10MB", "--dry-run",
             "--report", report.path], in: Self.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("SIMs would be activated, 0 failed"))
        #expect(result.stderr.contains("changes (dry run): "))
        #expect(result.stderr.contains(" INACTIVE -> ACTIVE (would change)"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        #expect(document["dry_run"] as? Bool == true)
        #expect((document["changes"] as? [[String: Any]])?.allSatisfy { $0["outcome"] as? String == "would_change" } == true)
    }

    @Test func suspendOverLimitSuspendsOnlySIMsPastTheirDataLimit() throws {
        let result = try CLI.run(
            ["run", "--sim", "scripts/workflows/suspend-over-limit.lua", "--var", "limit_mb=1024", "--dry-run"],
            in: Self.root)
        #expect(result.status == 0, "\(result.stderr)")
        let counts = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Int], "\(result.stdout)")
        // Some SIMs of the seeded fleet used more than 1 GiB this period, most did not, none failed.
        #expect((counts["would_change"] ?? 0) > 0)
        #expect((counts["under_limit"] ?? 0) > (counts["would_change"] ?? 0))
        #expect(counts["failed"] == nil)
        #expect(result.stderr.contains(" ACTIVE -> SUSPENDED (would change)"))
    }

    @Test func failedChangesExitThreeAndGuardsExitFour() throws {
        let failing = try CLI.workspace("cmo.try(cmo.activate, 'JASPER-0000')")
        let three = try CLI.run(["run", "--sim", "workflow.lua"], in: failing)
        #expect(three.status == 3)
        #expect(three.stderr.contains("failed:\n  JASPER-0000 ? -> ACTIVE (failed): http 404: "))
        // The in-process simulator ended with the run: nothing to resume against.
        #expect(three.stderr.hasSuffix("cmo: some changes failed (exit 3)\n"))

        let guarded = try CLI.run(
            ["run", "--sim", "scripts/workflows/activate-offering.lua", "--var", "offering=IoT Flex 10MB",
             "--max-changes", "2"], in: Self.root)
        #expect(guarded.status == 4)
        #expect(guarded.stderr.contains("--max-changes 2 reached"))
    }

    /// Without an API a run does not start (exit 2, before the script's first line), saying how to give one.
    @Test func aScriptThatNeedsTheAPIWithoutOneSaysHowToGiveIt() throws {
        let directory = try CLI.workspace("print('started') cmo.product('x')")
        let result = try CLI.run(
            ["run", "workflow.lua"], environment: RunSessionCommandTests.unconfigured(directory), in: directory)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("error: no usable CMO API configuration: missing setting 'api_url': "))
        #expect(result.stderr.hasSuffix(". Give --sim to run against a simulator, or --no-api for a script that makes no API calls\n"))
    }

    @Test func theReplKeepsStateAndPrintsValues() throws {
        let result = try CLI.run(
            ["repl", "--sim", "--sim-fleet", "20"],
            input: "x = 20 + 1\nx * 2\nreturn {a = 1}\nlocal ok = cmo.try(cmo.product, 'none')\nprint('after')\n")
        #expect(result.status == 0)
        #expect(result.stdout == "42\n{\n  a = 1,\n}\nafter\n")
    }
}
