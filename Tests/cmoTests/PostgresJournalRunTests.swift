import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo run --journal postgres://...` against real PostgreSQL clusters and a real `cmo sim`: the journal contract
/// when the database goes away mid-run (issue 15's failure test 4) and under `kill -9` with `--resume`. The
/// witness is the simulator's own per-product change counter.
@Suite(.serialized) struct PostgresJournalRunTests {
    /// Activates every INACTIVE SIM, 16 at a time, each change waiting for its end.
    static let workflow = """
        local ids = {}
        for p in cmo.list{where = {status = "INACTIVE"}} do ids[#ids + 1] = p.id end
        print("planned " .. #ids)
        cmo.parallel(ids, function(id) return cmo.activate(id, {wait = true}) end, {concurrency = 16})
        """

    /// The simulator's changes per product, for the products it changed.
    static func changeCounts(_ simulator: SimProcess) throws -> [String: Int] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--fail", simulator.origin + "/_sim/changes"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int]).filter { $0.value > 0 }
    }

    /// The change rows' count in `database` of `cluster`.
    static func journaledChanges(_ cluster: PostgresTestCluster, database: String, state: String? = nil) throws -> Int {
        let filter = state.map { " WHERE state = '\($0)'" } ?? ""
        return Int(try cluster.psql("SELECT count(*) FROM change\(filter)", database: database)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The product ids the journal holds an intent for.
    static func journaledProducts(_ cluster: PostgresTestCluster, database: String) throws -> Set<String> {
        Set(try cluster.psql("SELECT DISTINCT product_id FROM change", database: database)
            .split(separator: "\n").map(String.init))
    }

    // Synchronous on purpose (like the other crash tests): the polling loop owns its thread.
    @Test
    func theDatabaseRestartedAndItsSessionsCutMidRunTheRunCompletes() throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        let simulator = try SimProcess(
            fleet: 400, ["--latency-ms", "5", "--async-delay-ms", "300", "--in-error-rate", "0"])
        let directory = try CLI.workspace(Self.workflow)
        let run = try CLI.start(
            ["run", "--journal", cluster.url.absoluteString, "workflow.lua"], environment: simulator.environment,
            in: directory)
        // Once changes are under way, cut every session; once more are, crash and restart the server.
        var cut = false, restarted = false
        while run.isRunning, !restarted {
            let journaled = (try? Self.journaledChanges(cluster, database: "cmo")) ?? 0
            if !cut, journaled >= 10 {
                try cluster.terminateSessions(of: "cmo")
                cut = true
            } else if cut, journaled >= 40 {
                try cluster.restart()
                restarted = true
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        let ended = try run.wait()
        #expect(cut && restarted, "the run ended before the database went away: \(ended.stderr)")
        #expect(ended.status == 0, "\(ended.stderr)")
        let planned = try #require(ended.stdout.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        // Every SIM changed exactly once, and no PATCH went out without its intent in the journal.
        let counts = try Self.changeCounts(simulator)
        #expect(counts.count == planned, "\(counts.count) SIMs changed, \(planned) planned")
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
        let journaled = try Self.journaledProducts(cluster, database: "cmo")
        #expect(Set(counts.keys).isSubset(of: journaled), "\(Set(counts.keys).subtracting(journaled).prefix(5))")
        #expect(try Self.journaledChanges(cluster, database: "cmo", state: "changed") >= planned, "\(ended.stderr)")
    }

    @Test func aRunKilledWithSIGKILLResumesFromThePostgreSQLJournal() throws {
        let cluster = try PostgresTestCluster.shared()
        let url = try cluster.makeDatabase()
        let database = url.lastPathComponent
        let simulator = try SimProcess(
            fleet: 400, ["--latency-ms", "5", "--async-delay-ms", "400", "--in-error-rate", "0"])
        let directory = try CLI.workspace(Self.workflow)
        let first = try CLI.start(
            ["run", "--journal", url.absoluteString, "workflow.lua"], environment: simulator.environment, in: directory)
        var hit = false
        while first.isRunning, !hit {
            hit = ((try? Self.journaledChanges(cluster, database: database, state: "accepted")) ?? 0) >= 5
            if !hit { Thread.sleep(forTimeInterval: 0.01) }
        }
        if hit { first.send(SIGKILL) }
        let killed = try first.wait()
        try #require(hit, "the run ended before monitors were in progress: \(killed.stderr)")
        let planned = try #require(killed.stdout.split(separator: "\n").first.flatMap { Int($0.split(separator: " ").last ?? "") })

        // The run is listed from the PostgreSQL journal, unfinished; its resume finishes it.
        let listed = try CLI.run(["runs", "--journal", url.absoluteString, "--output", "json"], environment: simulator.environment)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let runID = try #require(runs.first?["id"] as? String)
        #expect(runs.first?["exit_code"] is NSNull, "\(listed.stdout)")
        let resumed = try CLI.run(
            ["run", "--journal", url.absoluteString, "--resume", runID], environment: simulator.environment, in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let chain = try CLI.run(["runs", "--journal", url.absoluteString, "--output", "json"], environment: simulator.environment)
        let ended = try #require(try JSONSerialization.jsonObject(with: Data(chain.stdout.utf8)) as? [[String: Any]])
        #expect(ended.count == 2 && ended.allSatisfy { $0["root_id"] as? String == runID }, "\(chain.stdout)")
        #expect(ended.first { $0["id"] as? String == runID }?["resumed_by"] as? String != nil, "\(chain.stdout)")

        let counts = try Self.changeCounts(simulator)
        #expect(counts.count == planned, "\(counts.count) SIMs changed, \(planned) planned")
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
    }
}
