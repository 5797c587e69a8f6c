import CMOJournal
import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo run`'s journal, `--resume` and its refusals, the gentle stop on SIGINT, and `cmo runs`.
@Suite struct JournalCommandTests {
    static func journal(in directory: String) -> String { directory + "/journal.sqlite" }

    @Test func aRunIsJournaledAndListed() throws {
        let directory = try CLI.workspace("print(cmo.vars.who)")
        let journal = Self.journal(in: directory)
        let run = try CLI.run(["run", "--no-api", "--journal", journal, "--var", "who=ops", "workflow.lua"], in: directory)
        #expect(run.status == 0)
        #expect(run.stderr == "")

        let listed = try CLI.run(["runs", "--journal", journal, "--output", "json"])
        #expect(listed.status == 0)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let entry = try #require(runs.first)
        #expect(runs.count == 1)
        #expect(entry["script"] as? String == directory + "/workflow.lua")
        #expect(entry["vars"] as? [String: String] == ["who": "ops"])
        #expect(entry["exit_code"] as? Int == 0)
        #expect((entry["script_hash"] as? String)?.count == 64)

        let table = try CLI.run(["runs", "--journal", journal, "--output", "table"])
        #expect(table.stdout.hasPrefix("ID "))
        #expect(table.stdout.contains("/workflow.lua"))
    }

    @Test func noJournalWritesNothing() throws {
        let directory = try CLI.workspace("print('x')")
        let result = try CLI.run(["run", "--no-api", "--no-journal", "workflow.lua"], environment: ["XDG_STATE_HOME": directory + "/state"], in: directory)
        #expect(result.status == 0)
        #expect(!FileManager.default.fileExists(atPath: directory + "/state"))
        let defaulted = try CLI.run(["run", "--no-api", "workflow.lua"], environment: ["XDG_STATE_HOME": directory + "/state"], in: directory)
        #expect(defaulted.status == 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/state/cmo/journal.sqlite"))
    }

    @Test func resumeRefusesAChangedScriptUnlessForced() throws {
        let directory = try CLI.workspace("print('first')")
        let journal = Self.journal(in: directory)
        #expect(try CLI.run(["run", "--no-api", "--journal", journal, "workflow.lua"], in: directory).status == 0)
        let id = try #require(try SQLiteJournal(path: journal).runs(limit: 1).first?.id)
        try "print('second')".write(toFile: directory + "/workflow.lua", atomically: true, encoding: .utf8)

        let refused = try CLI.run(["run", "--journal", journal, "--resume", id])
        #expect(refused.status == 2)
        #expect(refused.stderr == """
            error: cannot resume run \(id): the script \(directory)/workflow.lua changed since it ran; resuming \
            could change SIMs the run did not mean to. Give --force to resume anyway.

            """)
        let forced = try CLI.run(["run", "--no-api", "--journal", journal, "--resume", id, "--force"])
        #expect(forced.status == 0)
        #expect(forced.stdout == "second\n")
        let resumed = try #require(try SQLiteJournal(path: journal).runs(limit: 1).first)
        #expect(resumed.resumedFrom == id && resumed.rootID == id)
    }

    @Test func resumeMistakesAreUsageErrors() throws {
        let directory = try CLI.workspace("print('x')")
        let journal = Self.journal(in: directory)
        let unknown = try CLI.run(["run", "--journal", journal, "--resume", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "error: no run 'nope' in the journal at \(journal) (see 'cmo runs')\n")
        let withVars = try CLI.run(["run", "--journal", journal, "--resume", "x", "--var", "a=b"])
        #expect(withVars.status == 2)
        #expect(withVars.stderr.contains("--resume uses the vars, inputs and --dry-run of the run it resumes"))
        let both = try CLI.run(["run", "workflow.lua", "--resume", "x"], in: directory)
        #expect(both.stderr.contains("give a SCRIPT or --resume RUN_ID, not both"))
        let force = try CLI.run(["run", "workflow.lua", "--force"], in: directory)
        #expect(force.stderr.contains("--force only goes with --resume"))
    }

    @Test func theJournalHoldsNoSecretAndNoToken() throws {
        let simulator = try SimProcess(["--async-delay-ms", "50"])
        let directory = try CLI.workspace("""
            for p in cmo.list{where = {status = "INACTIVE"}} do cmo.activate(p.id) end
            cmo.try(cmo.activate, "JASPER-0000")
            """)
        let journal = Self.journal(in: directory)
        let run = try CLI.run(["run", "--journal", journal, "workflow.lua"], environment: simulator.environment, in: directory)
        #expect(run.status == 3)
        #expect(run.stderr.contains(CLI.resumeHint))
        let changes = try SQLiteJournal(path: journal).changes(ofRun: try #require(try SQLiteJournal(path: journal).runs(limit: 1).first?.id))
        #expect(changes.count > 5)
        #expect(changes.contains { $0.state == .failed && $0.httpStatus == 404 && $0.correlationID != nil })
        let secret = try #require(simulator.environment["CMO_CLIENT_SECRET"])
        for file in [journal, journal + "-wal"] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(secret))
            #expect(!text.contains("eyJ"), "no JWT (they start with eyJ) in \(file)")
            #expect(!text.contains("Bearer"))
        }
        let shown = try CLI.run(["runs", "show", "--journal", journal, "--output", "table", try #require(try SQLiteJournal(path: journal).runs(limit: 1).first?.id)])
        #expect(shown.stdout.contains("exit       3"))
        #expect(shown.stdout.contains("failed:\n  JASPER-0000 ? -> ACTIVE (failed): http 404: "))
    }

    // Synchronous on purpose: the polling loop owns its thread, so tests blocking the cooperative pool cannot
    // starve it while the run it watches goes on.
    @Test func sigintLetsRequestsInFlightFinishRecordsThemAndSaysHowToResume() throws {
        let simulator = try SimProcess(
            fleet: 200, ["--latency-ms", "40", "--async-delay-ms", "300", "--in-error-rate", "0"])
        let directory = try CLI.workspace("""
            local ids = {}
            for p in cmo.list{where = {status = "INACTIVE"}} do ids[#ids + 1] = p.id end
            cmo.parallel(ids, function(id) return cmo.activate(id) end, {concurrency = 8})
            """)
        let journalPath = Self.journal(in: directory)
        let journal = try SQLiteJournal(path: journalPath)
        let counter = try CLI.script("local n = 0 for _ in cmo.list{where = {status = 'INACTIVE'}} do n = n + 1 end print(n)")
        let inactive = Int(try CLI.run(["run", "--no-journal", counter], environment: simulator.environment).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(inactive > 40)
        let command = try CLI.start(
            ["run", "--journal", journalPath, "workflow.lua"], environment: simulator.environment, in: directory)
        var interrupted = false
        while command.isRunning, !interrupted {
            if let run = try journal.runs(limit: 1).first,
                try journal.count(ofRun: run.id, state: .changed) + journal.count(ofRun: run.id, state: .accepted) >= 4
            {
                command.send(SIGINT)
                interrupted = true
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        let ended = try command.wait()
        let stderr = ended.stderr
        #expect(interrupted)
        #expect(ended.status == 4)
        #expect(stderr.contains("cmo: stopped: interrupted by SIGINT\n"))
        let run = try #require(try journal.runs(limit: 1).first)
        #expect(stderr.hasSuffix("\(CLI.resumeHint)\(run.id) --journal \(journalPath)\n"))
        #expect(run.exitCode == 4)
        let changes = try journal.changes(ofRun: run.id)
        #expect(changes.allSatisfy { $0.state != .intent }, "every request sent got its answer recorded")

        let resumed = try CLI.run(["run", "--journal", journalPath, "--resume", run.id], environment: simulator.environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let data = try ResumeCrashTests.get(simulator.origin + "/_sim/changes")
        let counts = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int])
        #expect(counts.values.allSatisfy { $0 <= 1 }, "no SIM changed twice")
        #expect(counts.values.filter { $0 == 1 }.count == inactive, "every INACTIVE SIM changed once")
    }
}
