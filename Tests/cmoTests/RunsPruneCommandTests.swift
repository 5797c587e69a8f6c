import CMOJournal
import CMOTestSupport
import Foundation
import Testing

/// `cmo runs prune --older-than DURATION [--dry-run]`.
@Suite struct RunsPruneCommandTests {
    @Test func prunesOldFinishedRunsAndCountsInADryRun() async throws {
        let directory = try CLI.workspace("print('x')")
        let path = directory + "/journal.sqlite"
        let journal = try SQLiteJournal(path: path)
        let now = Date()
        for (id, days) in [("old-1", 40.0), ("old-2", 35), ("recent", 2)] {
            let run = RunEntry(id: id, scriptPath: directory + "/workflow.lua", scriptHash: "h", startedAt: now.addingTimeInterval(-days * 86_400))
            try await journal.begin(run)
            try await journal.finish(runID: id, exitCode: 0, stopReason: nil, counts: [:], at: run.startedAt.addingTimeInterval(5))
        }
        // A real run of today, through the binary.
        #expect(try CLI.run(["run", "workflow.lua", "--no-api", "--journal", path], in: directory).status == 0)

        let dry = try CLI.run(["runs", "prune", "--older-than", "30d", "--dry-run", "--journal", path])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("would delete 2 runs and 0 changes that ended before "))
        #expect(try journal.runs(limit: 10).count == 4)

        let real = try CLI.run(["runs", "prune", "--older-than", "30d", "--journal", path])
        #expect(real.stdout.hasPrefix("deleted 2 runs and 0 changes that ended before "))
        #expect(try journal.runs(limit: 10).map(\.id).filter { $0.hasPrefix("old") }.isEmpty)
        #expect(try journal.runs(limit: 10).count == 2)
    }

    @Test func aBadDurationExitsTwo() throws {
        let result = try CLI.run(["runs", "prune", "--older-than", "soon"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--older-than expects a duration such as 30d, 12h or 90m, got 'soon'"))
    }
}
