import CMOJournal
import CMOSchedule
import CMOTestSupport
import Foundation
import Logging

/// Daemons sharing one PostgreSQL journal, each with its own connection pool and its own manual clock.
struct ReplicaHarness {
    let url: URL
    let schedule: String
    let probe = ReplicaRunProbe()
    let directory: URL

    init() throws {
        url = try PostgresTestCluster.shared().makeDatabase()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        schedule = directory.appendingPathComponent("replicas.toml").path
    }

    /// A job every minute, running `script.lua` (written with `content`) in this harness's directory.
    func job(_ name: String, overlap: OverlapPolicy = .skip, catchUp: CatchUpPolicy = .never, cron: String = "* * * * *",
             pauseAfterFailures: Int? = nil, content: String = "print('hello')") throws -> ScheduledJob {
        let script = directory.appendingPathComponent("\(name).lua")
        try content.write(to: script, atomically: true, encoding: .utf8)
        return ScheduledJob(
            name: name, cron: try CronExpression(cron), script: script, overlap: overlap, catchUp: catchUp,
            pauseAfterFailures: pauseAfterFailures)
    }

    /// A journal with a connection pool of its own.
    func journal() async throws -> PostgresJournal {
        try await PostgresJournal.open(try PostgresLocation(url: url.absoluteString))
    }

    struct Replica {
        let name: String
        let clock: ManualScheduleClock
        let daemon: ScheduleDaemon
        let journal: PostgresJournal
        let task: Task<Void, Never>
    }

    /// Starts a replica's daemon at `now` (it parks until its next fire; wait with `clock.waitForSleepers(1)`).
    func start(_ name: String, jobs: [ScheduledJob], now: Date) async throws -> Replica {
        let journal = try await journal()
        let clock = ManualScheduleClock(now: now)
        var logger = Logger(label: "replica-\(name)")
        logger.logLevel = ProcessInfo.processInfo.environment["REPLICA_DEBUG"] == nil ? .critical : .debug
        let daemon = ScheduleDaemon(
            jobs: jobs, clock: clock, store: JournalScheduleStore(journal: journal, schedule: schedule),
            fireLauncher: probe.launcher(name), logger: logger,
            configuration: .init(pausedRecheckInterval: nil, replica: name, heartbeatInterval: .seconds(60), staleAfter: .seconds(600)))
        let task = Task { await daemon.run() }
        return Replica(name: name, clock: clock, daemon: daemon, journal: journal, task: task)
    }

    /// Ends every run and stops the replicas.
    func stop(_ replicas: [Replica]) async {
        await probe.finishAll()
        for replica in replicas { await replica.daemon.shutdown() }
        for replica in replicas { await replica.task.value }
    }
}

/// When each launched run ends: 0, 1 or 2 fires after the one that started it, at random (seeded), so that a
/// following fire may find it still running.
struct RandomRunEnds {
    private var endsAt: [Int: Int] = [:]
    private var random: SeededGenerator

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    /// Ends the runs due by fire `k`.
    func finishDue(at k: Int, _ probe: ReplicaRunProbe) async {
        let due = endsAt.filter { $0.value <= k }.map(\.key)
        await probe.finish { index, _ in due.contains(index) }
    }

    /// Gives each run launched so far that has no end yet one after fire `k`.
    mutating func schedule(launched: Int, at k: Int) {
        for index in 0..<launched where endsAt[index] == nil { endsAt[index] = k + Int.random(in: 0...2, using: &random) }
    }
}
