import CMOTestSupport
import Foundation
import Testing

/// A distributed run as the tests drive it: a simulator in a process of its own, a PostgreSQL database, a
/// coordinator and `cmo worker` processes, all with short leases. The witness of every test is the simulator's
/// own per-product change counter.
struct DistributedHarness {
    /// Activates up to `cmo.vars.limit` INACTIVE SIMs (all without it), each change waiting for its end.
    static let workflow = """
        return {
          plan = function()
            local ids, limit = {}, tonumber(cmo.vars.limit)
            for p in cmo.list{ where = { status = "INACTIVE" } } do
              if limit and #ids >= limit then break end
              ids[#ids + 1] = p.id
            end
            print("planned " .. #ids)
            return ids
          end,
          apply = function(id) return cmo.activate(id, { wait = true }) end,
        }
        """

    /// Leases for tests: 3 s, renewed every second, taken over 4 s after they ran out (the API's request timeout
    /// is 2 s in ``environment``).
    static let leaseFlags = ["--lease", "3", "--heartbeat", "1", "--lease-grace", "4"]

    let simulator: SimProcess
    let journalURL: String
    let directory: String
    /// The simulator's variables and a configuration home whose profile sets a 2 s request timeout.
    let environment: [String: String]

    init(fleet: Int, simulatorFlags: [String], cluster: PostgresTestCluster? = nil) throws {
        simulator = try SimProcess(fleet: fleet, simulatorFlags)
        journalURL = try (cluster ?? PostgresTestCluster.shared()).makeDatabase().absoluteString
        directory = try CLI.workspace(Self.workflow)
        let config = URL(fileURLWithPath: directory).appendingPathComponent("config/cmo")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "[profiles.default]\nrequest_timeout = 2\n".write(
            to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        environment = simulator.environment.merging(["XDG_CONFIG_HOME": directory + "/config"]) { _, new in new }
    }

    /// Starts the coordinator of run `runID` and waits until its plan is stored.
    func coordinator(_ runID: String, _ flags: [String] = []) throws -> RunningCommand {
        let command = try CLI.start(
            ["run", "workflow.lua", "--distributed", "--journal", journalURL, "--run-id", runID] + Self.leaseFlags + flags,
            environment: environment, in: directory)
        let deadline = Date().addingTimeInterval(120)
        while command.isRunning, Date() < deadline, !command.stderr.contains("more workers:") {
            Thread.sleep(forTimeInterval: 0.02)
        }
        return command
    }

    /// Starts `cmo worker --run runID --name name`.
    func worker(_ runID: String, name: String, _ flags: [String] = []) throws -> RunningCommand {
        try CLI.start(
            ["worker", "--journal", journalURL, "--run", runID, "--name", name] + Self.leaseFlags + flags,
            environment: environment, in: directory)
    }

    /// `cmo run --resume runID --distributed`, to its end.
    func resume(_ runID: String, _ flags: [String] = []) throws -> CommandResult {
        try CLI.run(
            ["run", "--resume", runID, "--distributed", "--journal", journalURL] + Self.leaseFlags + flags,
            environment: environment, in: directory)
    }

    /// The simulator's changes per product, for the products it changed.
    func changeCounts() throws -> [String: Int] {
        try PostgresJournalRunTests.changeCounts(simulator)
    }

    /// One number from `sql` on the run's database.
    func number(_ sql: String) throws -> Int {
        Int(try psql(sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// What `sql` printed on the run's database (unaligned, tuples only).
    func psql(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", journalURL, "-c", sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// How many SIMs the plan printed it planned.
    static func planned(_ stdout: String) -> Int? {
        stdout.split(separator: "\n").first { $0.hasPrefix("planned ") }.flatMap { Int($0.dropFirst(8)) }
    }

    /// Waits (polling the journal) until `sql` counts at least `count`, or `command` ended.
    func waitUntil(_ sql: String, reaches count: Int, while command: RunningCommand, timeout: TimeInterval = 120) {
        let deadline = Date().addingTimeInterval(timeout)
        while command.isRunning, Date() < deadline, (try? number(sql)) ?? 0 < count {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
