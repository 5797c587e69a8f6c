import CMOJournal
import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The journal's contract under `kill -9`: a 500-SIM workflow killed again and again (before any change, while
/// async changes wait on their monitors, after some completed) and resumed each time ends with every SIM at its
/// target, each change applied exactly once according to the simulator's own per-product counter.
@Suite(.serialized) struct ResumeCrashTests {
    /// Lists the cellular SIMs with their status, as CSV for the workflow's `--input plan=`: those INACTIVE,
    /// ACTIVE, SUSPENDED or BLOCKED (every backend's table leads those to ACTIVE, BLOCKED stays; a TERMINATED or
    /// CREATED SIM may have no way there).
    static let planner = """
        print("n,id,sim,status")
        local n = 0
        local wanted = {INACTIVE = true, ACTIVE = true, SUSPENDED = true, BLOCKED = true}
        for p in cmo.list{page_size = 100} do
          local product = cmo.product(p.id)
          local sim = cmo.sim(product)
          if sim and sim.id:match("%-simCard$") and wanted[sim.status] then
            n = n + 1
            print(string.format("%d,%s,%s,%s", n, p.id, sim.id, sim.status))
          end
        end
        """

    /// Activates every SIM; ACTIVE ones are suspended first and then activated again (two changes, so a change
    /// sent twice shows in the counter). Every other SIM goes through raw `cmo.patch`, the rest `cmo.set_status`.
    static let workflow = """
        local rows = cmo.input("plan")
        cmo.parallel(rows, function(row)
          local raw = tonumber(row.n) % 2 == 0
          local function set(status)
            if raw then
              cmo.patch(row.sim, {{op = "replace", path = "/status", value = status}}, {wait = true})
            else
              cmo.set_status(row.id, status)
            end
          end
          if row.status == "ACTIVE" then set("SUSPENDED") end
          if row.status ~= "BLOCKED" then set("ACTIVE") end
        end, {concurrency = 16})
        """

    /// GETs `url` with the system curl (the test bundle has no HTTP client of its own).
    static func get(_ url: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--fail", url]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    // Synchronous on purpose: the polling loop owns its thread, so tests blocking the cooperative pool cannot
    // starve it while the run it watches goes on.
    @Test func killedRunsResumeToEveryChangeExactlyOnce() throws {
        let simulator = try SimProcess(
            fleet: 500, ["--latency-ms", "2", "--async-delay-ms", "400", "--in-error-rate", "0"])
        let directory = try CLI.workspace(Self.workflow, name: "activate.lua")
        let journalPath = directory + "/journal.sqlite"
        let journal = try SQLiteJournal(path: journalPath)
        var environment = simulator.environment
        environment["XDG_STATE_HOME"] = directory

        let planned = try CLI.run(["run", "--no-journal", try CLI.script(Self.planner, name: "plan.lua")], environment: environment)
        try #require(planned.status == 0, "\(planned.stderr)")
        try planned.stdout.write(toFile: directory + "/plan.csv", atomically: true, encoding: .utf8)
        let rows = planned.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        try #require(rows.count > 300 && rows.allSatisfy { $0.count == 4 }, "\(planned.stdout)")
        let expected = Dictionary(uniqueKeysWithValues: rows.map { row in
            (row[1], ["ACTIVE": 2, "BLOCKED": 0][row[3]] ?? 1)
        })

        // Kill points, each a condition on the journal of the run in progress.
        let killPoints: [(name: String, when: (String) throws -> Bool)] = [
            ("before any change", { _ in true }),
            ("while monitors are in progress", { run in try journal.count(ofRun: run, state: .accepted) > 0 }),
            ("after async changes completed", { run in
                try journal.count(ofRun: run, state: .changed, async: true, answered: true) >= 40
            }),
            ("while monitors are in progress again", { run in try journal.count(ofRun: run, state: .accepted) > 0 }),
        ]
        var arguments = ["run", "--journal", journalPath, "--input", "plan=plan.csv", "activate.lua"]
        var runIDs: [String] = []
        var killed = 0
        for point in killPoints {
            let command = try CLI.start(arguments, environment: environment, in: directory)
            var hit = false
            while command.isRunning, !hit {
                if let run = try journal.runs(limit: 1).first, !runIDs.contains(run.id) {
                    hit = try point.when(run.id)
                }
                if !hit { Thread.sleep(forTimeInterval: 0.015) }
            }
            if hit, command.isRunning {
                command.send(SIGKILL)
                killed += 1
            }
            let ended = try command.wait()
            #expect(hit, "the run ended before '\(point.name)': \(ended.stderr)")
            let run = try #require(try journal.runs(limit: 1).first)
            runIDs.append(run.id)
            if !hit || ended.terminationReason == .exit { break }
            #expect(run.exitCode == nil, "a killed run has no end recorded")
            arguments = ["run", "--journal", journalPath, "--resume", run.id]
        }
        #expect(killed >= 3, "the workload ended before the kill points were reached")

        let final = try CLI.run(arguments, environment: environment, in: directory)
        #expect(final.status == 0, "\(final.stderr)")
        #expect(final.stderr.contains("from the journal of the resumed run"))

        // Every SIM at its target, every change applied exactly once.
        let data = try Self.get(simulator.origin + "/_sim/changes")
        let counts = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int])
        var wrong: [String] = []
        for (id, count) in expected where counts[id] != count {
            wrong.append("\(id): \(counts[id] ?? -1) changes, expected \(count)")
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
        let check = try CLI.run(
            ["run", "--no-journal", try CLI.script(Self.planner, name: "plan.lua")], environment: environment)
        // The listing must have run and seen every SIM: an empty one would satisfy any `allSatisfy`.
        try #require(check.status == 0, "\(check.stderr)")
        let after = check.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        try #require(after.count == rows.count, "the check listed \(after.count) SIMs, the plan \(rows.count)")
        try #require(after.allSatisfy { $0.count == 4 }, "\(check.stdout)")
        #expect(Set(after.map { $0[1] }) == Set(expected.keys))
        #expect(after.allSatisfy { $0[3] == "ACTIVE" || $0[3] == "BLOCKED" })
        let chain = try journal.runs(limit: 10).filter { runIDs.contains($0.id) || $0.rootID == runIDs.first }
        #expect(Set(chain.map(\.rootID)).count == 1, "every resume continues the first run's chain")
    }
}
