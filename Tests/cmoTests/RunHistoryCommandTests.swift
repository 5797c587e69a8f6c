import CMOJournal
import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo runs` and `cmo runs show` for runs without an end: the counts their changes journaled so far, and the run
/// that resumed them to the end.
@Suite struct RunHistoryCommandTests {
    /// Activates the SIMs of input `ids`, then waits until the SIM of product `marker` is ACTIVE.
    static let workflow = """
        for _, id in ipairs(cmo.input("ids")) do cmo.activate(id) end
        print("ready")
        while cmo.sim(cmo.product(cmo.vars.marker)).status ~= "ACTIVE" do cmo.sleep(0.05) end
        """

    static func json(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    @Test func aRunWhoseProcessDiedShowsItsCountsAndTheRunThatResumedItToTheEnd() throws {
        let simulator = try SimProcess(fleet: 30, ["--async-delay-ms", "50"])
        let planner = try CLI.script("""
            local n = 0
            for p in cmo.list{where = {status = "INACTIVE", connectivity_type = "CELLULAR"}} do
              n = n + 1
              print(p.id)
              if n == 4 then break end
            end
            """)
        let planned = try CLI.run(["run", "--no-journal", planner], environment: simulator.environment)
        let ids = planned.stdout.split(separator: "\n").map(String.init)
        try #require(ids.count == 4, "\(planned)")
        let directory = try CLI.workspace(Self.workflow)
        try ids.prefix(3).joined(separator: "\n").write(toFile: directory + "/ids.txt", atomically: true, encoding: .utf8)
        let journal = directory + "/journal.sqlite"

        let first = try CLI.start(
            ["run", "--journal", journal, "--input", "ids=ids.txt", "--var", "marker=\(ids[3])", "workflow.lua"],
            environment: simulator.environment, in: directory)
        try first.waitForOutput(containing: "ready\n")
        // The answers are journaled in the background: kill once all three are.
        let opened = try SQLiteJournal(path: journal)
        let running = try #require(try opened.runs(limit: 1).first)
        let deadline = Date().addingTimeInterval(30)
        while try opened.changeCounts(ofRun: running.id) != ["changed": 3], Date() < deadline { usleep(10_000) }
        first.send(SIGKILL)
        try first.wait()
        let died = try #require(try Self.json(CLI.run(["runs", "--journal", journal, "--output", "json"]).stdout).first)
        let id = try #require(died["id"] as? String)
        #expect(died["exit_code"] is NSNull)
        #expect(died["counts"] as? [String: Int] == ["changed": 3], "the counts journaled before the process died")
        #expect(died["resumed_by"] is NSNull)
        let table = try CLI.run(["runs", "--journal", journal, "--output", "table"]).stdout
        #expect(table.contains("3 changed  -     -"), "\(table)")

        #expect(try simulator.cmo("patch", ids[3], "--status", "ACTIVE", "--wait").status == 0)
        let resumed = try CLI.run(["run", "--journal", journal, "--resume", id], environment: simulator.environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let runs = try Self.json(CLI.run(["runs", "--journal", journal, "--output", "json"]).stdout)
        let finisher = try #require(runs.first?["id"] as? String)
        #expect(runs.count == 2)
        #expect(runs.last?["resumed_by"] as? String == finisher)
        #expect(runs.first?["resumed_by"] is NSNull)

        let listed = try CLI.run(["runs", "--journal", journal, "--output", "table"]).stdout
        #expect(listed.split(separator: "\n").contains { $0.hasPrefix(id) && $0.hasSuffix("  -     \(finisher)") }, "\(listed)")
        let shown = try CLI.run(["runs", "show", "--journal", journal, "--output", "table", id]).stdout
        #expect(shown.contains("\n  exit       -\n  resumed by \(finisher) (to the end)\n"), "\(shown)")
        #expect(shown.contains("\n  changes    3 changed"))
        let document = try #require(
            try JSONSerialization.jsonObject(
                with: Data(CLI.run(["runs", "show", "--journal", journal, "--output", "json", id]).stdout.utf8))
                as? [String: Any])
        #expect(document["resumed_by"] as? String == finisher)
    }

    @Test func theRunThatFinishesAChainIsTheFirstThatSucceeds() {
        func run(_ id: String, from: String? = nil, exit: Int32?, at second: TimeInterval) -> RunEntry {
            var run = RunEntry(
                id: id, rootID: "a", resumedFrom: from, scriptPath: "/w.lua", scriptHash: "",
                startedAt: Date(timeIntervalSince1970: second))
            run.exitCode = exit
            return run
        }
        let chain = [
            run("a", exit: nil, at: 1), run("b", from: "a", exit: 4, at: 2), run("c", from: "b", exit: 3, at: 3),
            run("d", from: "c", exit: 0, at: 4), run("e", from: "d", exit: 0, at: 5), run("x", from: "a", exit: 4, at: 6),
        ]
        #expect(RunEntry.finishers(in: chain) == ["a": "d", "b": "d", "c": "d"])
        #expect(RunEntry.finishers(in: Array(chain.prefix(3))).isEmpty, "nothing finished the chain yet")
    }
}
