import CMOJournal
import CMOTestSupport
import Foundation
import Testing

/// One vocabulary, one count: after a run stopped mid-way, the terminal summary, `cmo runs` and the journal's
/// change rows agree (an accepted change whose monitor wait was cut short is `accepted` everywhere, a read that
/// the stop cancelled before any request is no change at all).
@Suite struct CountsAgreeCommandTests {
    /// `changes: 41 changed, 14 accepted` → ["changed": 41, "accepted": 14].
    static func summaryCounts(_ stderr: String) -> [String: Int]? {
        guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("changes: ") }) else { return nil }
        var counts: [String: Int] = [:]
        for part in line.dropFirst("changes: ".count).split(separator: ",") {
            let words = part.split(separator: " ")
            guard words.count >= 2, let count = Int(words[0]) else { continue }
            counts[String(words[1])] = count
        }
        return counts
    }

    // Synchronous on purpose, like the other SIGINT tests: the polling loop owns its thread.
    @Test func aStoppedRunsCountsAgreeEverywhere() throws {
        let simulator = try SimProcess(
            fleet: 300, ["--latency-ms", "30", "--async-delay-ms", "2000", "--in-error-rate", "0"])
        let directory = try CLI.workspace("""
            local ids = {}
            for p in cmo.list{where = {status = "INACTIVE"}} do ids[#ids + 1] = p.id end
            cmo.parallel(ids, function(id) return cmo.activate(id) end)
            """)
        let journalPath = directory + "/journal.sqlite"
        let journal = try SQLiteJournal(path: journalPath)
        let command = try CLI.start(
            ["run", "--journal", journalPath, "workflow.lua"], environment: simulator.environment, in: directory)
        var interrupted = false
        while command.isRunning, !interrupted {
            // Stop once some asynchronous changes wait on their monitors (2 s) and synchronous ones are done.
            if let run = try journal.runs(limit: 1).first,
                try journal.count(ofRun: run.id, state: .accepted) >= 5, try journal.count(ofRun: run.id, state: .changed) >= 5
            {
                command.send(SIGINT)
                interrupted = true
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        let ended = try command.wait()
        #expect(interrupted)
        #expect(ended.status == 4, "\(ended)")
        let run = try #require(try journal.runs(limit: 1).first)
        let terminal = try #require(Self.summaryCounts(ended.stderr), "\(ended.stderr)")
        #expect((terminal["accepted"] ?? 0) > 0, "monitor waits cut short stay accepted: \(ended.stderr)")
        #expect(terminal["failed"] == nil, "\(ended.stderr)")

        let rows = try journal.changeCounts(ofRun: run.id)
        #expect(rows == terminal)
        #expect(run.counts == terminal)
        let listed = try CLI.run(["runs", "--journal", journalPath, "--output", "json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let shown = try #require(runs.first { $0["id"] as? String == run.id })
        #expect(shown["counts"] as? [String: Int] == terminal, "\(listed.stdout)")
    }
}
