import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo schedule FILE --journal postgres://...` run as three replicas (issue 15's failure test 2): no leader, each
/// fire decided once in the journal, a dead replica's run resumed by another. (Test 6, a replica's clock ahead, is
/// `ScheduleReplicaTests` in CMOJournalTests, in process: see there why not under libfaketime.)
@Suite struct ScheduleReplicaCommandTests {
    /// Activates every INACTIVE SIM, four at a time, each change waiting for its end.
    static let activate = """
        local ids = {}
        for p in cmo.list{where = {status = "INACTIVE"}} do ids[#ids + 1] = p.id end
        print("planned " .. #ids)
        cmo.parallel(ids, function(id) return cmo.activate(id, {wait = true}) end, {concurrency = 4})
        """

    // Synchronous on purpose (like the other crash tests): the polling loops own their thread.
    @Test func theReplicaRunningAFireIsKilledAndAnotherResumesItsRun() throws {
        let simulator = try SimProcess(
            fleet: 160, ["--latency-ms", "25", "--async-delay-ms", "300", "--in-error-rate", "0"])
        let planned = try simulator.cmo(
            "run", "--no-journal", try CLI.script("for p in cmo.list{where = {status = 'INACTIVE'}} do print(p.id) end", name: "plan.lua"))
        try #require(planned.status == 0, "\(planned.stderr)")
        let inactive = Set(planned.stdout.split(separator: "\n").map(String.init))
        try #require(inactive.count > 20, "\(planned.stdout)")

        let replicas = try ReplicaProcesses(script: Self.activate, job: "activate")
        let flags = ["--heartbeat", "0.3", "--takeover-after", "2"]
        // The real clock: the fire comes at the next full minute.
        var processes: [String: RunningCommand] = [:]
        for name in ["r1", "r2", "r3"] {
            processes[name] = try replicas.start(
                name, environment: simulator.environment, arguments: flags, passwordInURL: false)
        }
        defer { for replica in processes.values where replica.isRunning { replica.send(SIGKILL) } }

        // The replica that won the fire, once its run has journaled a few changes.
        var claim: [String] = []
        let underWay = try ReplicaProcesses.wait(seconds: 100) {
            claim = replicas.poll("SELECT replica, run_id FROM schedule_fire WHERE decision = 'started'")
                .first?.split(separator: "|").map(String.init) ?? []
            guard claim.count == 2 else { return false }
            return Int(replicas.poll("SELECT count(*) FROM change WHERE run_id = '\(claim[1])'").first ?? "0") ?? 0 >= 8
        }
        try #require(underWay, "no run got under way: \(processes.mapValues(\.stderr))")
        let (winner, firstRun) = (claim[0], claim[1])
        let childPID = try #require(Int32(try replicas.query("SELECT pid FROM run WHERE id = '\(firstRun)'").first ?? ""))
        let killed = try #require(processes[winner])
        killed.send(SIGKILL)
        _ = try killed.wait(timeout: .seconds(10))
        #expect(ReplicaProcesses.wait(seconds: 10) { ReplicaProcesses.isGone(childPID) }, "the dead replica's run died with it")
        #expect(try replicas.query("SELECT coalesce(exit_code::text, 'none') FROM run WHERE id = '\(firstRun)'") == ["none"], "killed mid-run")

        // Another replica takes the fire over and resumes the run to its end.
        var resumed: [String] = []
        let done = try ReplicaProcesses.wait(seconds: 120) {
            resumed = replicas.poll("SELECT id, exit_code FROM run WHERE resumed_from = '\(firstRun)' AND ended_at IS NOT NULL")
            return !resumed.isEmpty
        }
        let survivors = processes.filter { $0.key != winner }.map(\.value)
        for replica in survivors { replica.send(SIGTERM) }
        let ended = try survivors.map { try $0.wait(timeout: .seconds(60)) }
        try #require(done, "no resumed run ended: \(ended)")
        #expect(resumed.count == 1 && resumed.first?.hasSuffix("|0") == true, "\(resumed)")

        let fires = try replicas.query(
            "SELECT decision, replica <> '\(winner)', ended_at IS NOT NULL FROM schedule_fire WHERE run_id = '\(resumed.first?.split(separator: "|").first ?? "")'")
        #expect(fires == ["started|t|t"], "the fire is now the survivor's, ended")
        let firstFire = try replicas.query("SELECT min(fire_at) FROM schedule_fire").first ?? ""
        #expect(try replicas.query("SELECT count(*) FROM schedule_fire WHERE fire_at = '\(firstFire)'") == ["1"], "the fire has one row")
        let counts = try PostgresJournalRunTests.changeCounts(simulator)
        let wrong = inactive.filter { counts[$0] != 1 }.map { "\($0): \(counts[$0] ?? 0)" }
        #expect(wrong.isEmpty, "every SIM changed exactly once: \(wrong.prefix(10))")
        #expect(counts.filter { !inactive.contains($0.key) && $0.value != 0 }.isEmpty, "no other SIM changed")
    }
}
