import CMOTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cmo run --tenant-rate-limit N`: several processes of one tenant and client share one rate through the
/// PostgreSQL journal. The witness is what the runs sent and were answered, read from their `--http-debug` logs
/// (JSON lines with times): no 429 from the simulator's token bucket, and the aggregate rate of the requests the
/// simulator received.
@Suite(.serialized) struct TenantRateLimitCommandTests {
    static let script = CLI.packageRoot + "/Tests/Fixtures/tenant-rate/reads.lua"

    @Test func withoutAPostgreSQLJournalTheRunDoesNotStart() throws {
        let sim = try SimProcess(fleet: 5)
        let message =
            "error: --tenant-rate-limit is shared through a PostgreSQL journal: give --journal postgres://USER@HOST/DB\n"
        let sqlite = try CLI.run(
            ["run", Self.script, "--journal", CLI.stateHome + "/tenant.sqlite", "--tenant-rate-limit", "20"],
            environment: sim.environment)
        #expect(sqlite.status == 2)
        #expect(sqlite.stderr == message)
        #expect(sqlite.stdout.isEmpty)
        let none = try CLI.run(
            ["run", Self.script, "--no-journal", "--tenant-rate-limit", "20"], environment: sim.environment)
        #expect(none.status == 2)
        #expect(none.stderr == message)
        let zero = try CLI.run(["run", Self.script, "--tenant-rate-limit", "0"], environment: sim.environment)
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--tenant-rate-limit must be a positive number of requests per second"))
    }

    @Test func theProfilesTenantRateLimitNeedsAPostgreSQLJournalToo() throws {
        let sim = try SimProcess(fleet: 5)
        let config = try CLI.script(
            "[profiles.default]\ntenant_rate_limit = 20\n", name: "config.toml")
        let result = try CLI.run(
            ["run", Self.script, "--config", config, "--journal", CLI.stateHome + "/tenant.sqlite"],
            environment: sim.environment)
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: the profile's tenant_rate_limit is shared through a PostgreSQL journal: give --journal postgres://USER@HOST/DB\n")
    }

    /// Failure test 5 of issue 15: three processes, one client, `cmo sim --rate-limit 20` and
    /// `--tenant-rate-limit 20`; one process is killed (SIGKILL) a quarter of the way through its reads.
    @Test func threeProcessesKeepTheTenantsRateAndTheSurvivorsTakeAKilledOnesShare() throws {
        let sim = try SimProcess(fleet: 50, ["--rate-limit", "20"])
        let journal = try PostgresTestCluster.shared().makeDatabase().absoluteString
        func start(_ extra: [String]) throws -> RunningCommand {
            try CLI.start(
                ["run", Self.script, "--var", "reads=120", "--journal", journal, "--tenant-rate-limit", "20",
                 "--http-debug", "--verbose", "--log-format", "json"] + extra,
                environment: sim.environment)
        }
        let victim = try start(["--var", "mark_after=30"])
        let survivors = [try start([]), try start([])]
        try victim.waitForOutput(containing: "marked")
        victim.send(SIGKILL)
        let killed = try victim.wait()
        #expect(killed.terminationReason == .uncaughtSignal)
        for survivor in survivors {
            let result = try survivor.wait()
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasSuffix("120 reads, 0 failed\n"))
        }

        let victimLog = try HTTPLog(killed.stderr)
        let survivorLogs = try survivors.map { try HTTPLog($0.stderr) }
        let all = HTTPLog(merging: [victimLog] + survivorLogs)
        #expect(all.answers.filter { $0 == 429 }.isEmpty)
        #expect(survivorLogs.allSatisfy { $0.sent.count == 121 })  // a page of the list, 120 reads
        #expect(victimLog.sent.count >= 30)
        let rate = try #require(all.rate())
        #expect(abs(rate - 20) <= 1, "aggregate rate \(rate)/s")
        // After the victim's last request, the two survivors alone keep the tenant's rate.
        let afterKill = HTTPLog(merging: survivorLogs, after: try #require(victimLog.sent.last))
        #expect(afterKill.sent.count > 100)
        let survivorsRate = try #require(afterKill.rate())
        #expect(abs(survivorsRate - 20) <= 1, "survivors' rate \(survivorsRate)/s")
    }
}

/// The API requests a run sent and the statuses it was answered, from its `--http-debug --log-format json` lines
/// (token requests left out: they are not paced).
struct HTTPLog {
    /// When each request went out, in order.
    var sent: [Date] = []
    /// Each answer's HTTP status.
    var answers: [Int] = []

    init(_ stderr: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for line in stderr.split(separator: "\n") where line.hasPrefix("{") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let message = object["message"] as? String, let time = object["time"] as? String,
                !message.contains("openid-connect/token")
            else { continue }
            if message.hasPrefix("--> "), let date = formatter.date(from: time) {
                sent.append(date)
            } else if message.hasPrefix("<-- "), let status = Int(message.dropFirst(4).prefix { $0.isNumber }) {
                answers.append(status)
            }
        }
    }

    /// The requests of `logs` together, only those sent after `after` when given.
    init(merging logs: [HTTPLog], after: Date? = nil) {
        sent = logs.flatMap(\.sent).filter { date in after.map { date > $0 } ?? true }.sorted()
        answers = logs.flatMap(\.answers)
    }

    /// Requests per second between the first request and the last.
    func rate() -> Double? {
        guard let first = sent.first, let last = sent.last, last > first else { return nil }
        return Double(sent.count - 1) / last.timeIntervalSince(first)
    }
}
