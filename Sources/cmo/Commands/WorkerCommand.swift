import ArgumentParser
import CMOClient
import CMOEngine
import CMOJournal
import Foundation
import Logging

/// `cmo worker`: works on the shards of distributed runs (`cmo run --distributed`) from a PostgreSQL journal.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Work on the shards of distributed runs from a PostgreSQL journal.",
        discussion: """
            A worker claims one shard at a time (FOR UPDATE SKIP LOCKED), holds it with a lease it renews every \
            heartbeat, and runs the workflow's apply over the shard's items with the run's script, vars, dry run \
            and guards, as stored by 'cmo run --distributed'. The API, its rate limits and the tenant's shared \
            rate come from this worker's own flags, environment and profile.

            A worker whose lease runs out (its renewals fail: the database away, the process paused) stops sending \
            before another worker may take the shard over; the journal refuses its intents from then on. With \
            --run it leaves once that run has no shard left; without, it waits for work until stopped. SIGINT or \
            SIGTERM: the shard in hand drains (no new request, answers in flight recorded) and is given back.

            Exit codes: 0 when it ended as asked, 2 for a usage or configuration error, 4 when stopped by a signal.
            """)

    @OptionGroup(title: "Journal")
    var journal: JournalOptions

    @Option(help: ArgumentHelp("Only this distributed run's shards; leave when it has none left.", valueName: "RUN_ID"))
    var run: String?

    @Option(help: ArgumentHelp("Leave after this many shards.", valueName: "N"))
    var maxShards: Int?

    @Option(help: ArgumentHelp("This worker's name in the journal (default: HOST:PID).", valueName: "NAME"))
    var name: String?

    @OptionGroup(title: "Leases")
    var leases: LeaseOptions

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @OptionGroup(title: "Tenant rate limit")
    var tenantRate: TenantRateLimitOptions

    @Flag(help: "Log what the engine does to stderr.")
    var verbose = false

    @OptionGroup var log: LogFormatOptions

    func validate() throws {
        if let maxShards, maxShards < 1 { throw ValidationError("--max-shards must be at least 1") }
    }

    func run() async throws {
        let logger = Logger.standardError("cmo", level: verbose ? .debug : .info, format: log.resolved)
        guard case .postgres = try journal.choice() else {
            throw ErrorReport.usage("cmo worker needs the PostgreSQL journal of the distributed runs: give --journal postgres://USER@HOST/DB")
        }
        let (api, bucketJournal) = try await tenantRate.apply(
            to: .configured(connection.overrides), journal: try journal.choice(), logger: logger)
        let resolved: APISource.Resolved
        do {
            resolved = try api.resolve()
        } catch {
            throw ErrorReport.usage(error.message)
        }
        let requestTimeout = resolved.configuration?.timeout.request ?? .seconds(60)
        if let grace = leases.grace, grace <= requestTimeout {
            throw ErrorReport.usage(
                "--lease-grace must be longer than the API's request timeout (\(requestTimeout)): a request of a worker that lost its lease could still arrive")
        }
        guard let store = try await journal.open() as? PostgresJournal else {
            throw ErrorReport.usage("cmo worker needs a PostgreSQL journal")
        }
        var runID = run
        if let run {
            do throws(JournalError) {
                let entry = try await store.run(run)
                guard try await store.distributedRun(entry.id) != nil else {
                    throw JournalError(.unknownRun, "run \(entry.id) is not a distributed run")
                }
                runID = entry.id
            } catch {
                await store.close()
                throw ErrorReport.usage("\(error.message) (in \(store.location))")
            }
        }
        let console = RunSession.Console.standard
        let worker = DistributedWorker(
            configuration: DistributedWorker.Configuration(
                name: name ?? DistributedWorker.defaultName(), runID: runID, maxShards: maxShards,
                leavesWhenRunEnds: run != nil, lease: leases.terms, grace: leases.grace, api: resolved.configuration,
                apiUnavailable: resolved.unavailable, modulePaths: [Stdlib.defaultPath()]),
            journal: store, logger: logger, report: console.report)
        let signals = SignalForwarder { signal, count in
            if count > 1 { console.exit(.stopped) }
            worker.stop("interrupted by \(signal)")
        }
        let outcome = await worker.run()
        signals.cancel()
        await store.close()
        await bucketJournal?.close()
        console.report(
            "cmo worker \(worker.configuration.name): \(outcome.shardsDone) shards done, \(outcome.shardsLeft) lost or given back")
        if outcome.stopReason != nil { throw ExitCode(CMOExitCode.stopped) }
    }
}
