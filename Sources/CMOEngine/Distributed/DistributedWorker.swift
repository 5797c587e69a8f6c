import CMOClient
import CMOJournal
import Foundation
import Logging
import Synchronization

/// A worker of distributed runs (`cmo worker`, and the coordinator's own unless `--no-local-worker`): it claims
/// shards from the PostgreSQL journal one at a time, runs the workflow's `apply` over each shard's items with the
/// run's settings, holds the shard with a ``ShardLease`` while it does, and ends the shard with its counts.
///
/// A worker that loses a lease (its renewals fail or are refused) stops sending at the lease's deadline on its
/// own monotonic clock, before anyone may take the shard over; the journal's fence refuses its intents from then
/// on. A shard claimed before (taken over, or given back) is resumed: its open intents are read first.
public final class DistributedWorker: Sendable {
    /// How a worker works.
    public struct Configuration: Sendable {
        /// The worker's name in the journal (owners, lease events). Default: host name and process id.
        public var name: String
        /// Only this run's shards (`--run`); nil for any distributed run's.
        public var runID: String?
        /// Stop after this many shards (`--max-shards`); nil for no limit.
        public var maxShards: Int?
        /// With ``runID``: stop once that run has no shard left to claim. Without: wait for work until stopped.
        public var leavesWhenRunEnds: Bool
        /// The lease's length, heartbeat and safety margin. Default 30 s, 10 s, 2 s.
        public var lease: ShardLease.Terms
        /// How long after a lease ran out another worker may take the shard over: longer than the API's request
        /// timeout, so that the last request of the old holder has ended. Default: request timeout + 5 s.
        public var grace: Duration
        /// The API; nil when none is configured.
        public var api: APIConfiguration?
        /// Why there is no API.
        public var apiUnavailable: String
        /// Where `require` looks besides the script's own directory (the shipped stdlib).
        public var modulePaths: [String]
        /// How often an idle worker looks for a shard, and a busy one whether its run was told to stop.
        public var poll: Duration
        /// Whether each shard done gets a line (`cmo worker`); losses, give-backs and errors always do. The
        /// coordinator's own worker leaves the news to the progress line.
        public var reportsShards: Bool

        public init(
            name: String = DistributedWorker.defaultName(), runID: String? = nil, maxShards: Int? = nil,
            leavesWhenRunEnds: Bool = true, lease: ShardLease.Terms = ShardLease.Terms(), grace: Duration? = nil,
            api: APIConfiguration?, apiUnavailable: String = "no CMO API is configured",
            modulePaths: [String] = [], poll: Duration = .seconds(1), reportsShards: Bool = true
        ) {
            self.reportsShards = reportsShards
            self.name = name
            self.runID = runID
            self.maxShards = maxShards
            self.leavesWhenRunEnds = leavesWhenRunEnds
            self.lease = lease
            self.grace = grace ?? (api?.timeout.request ?? .seconds(60)) + .seconds(5)
            self.api = api
            self.apiUnavailable = apiUnavailable
            self.modulePaths = modulePaths
            self.poll = poll
        }
    }

    /// What a worker did.
    public struct Outcome: Sendable, Equatable {
        /// Shards it ended.
        public var shardsDone = 0
        /// Shards it lost (their lease ran out) or gave back (told to stop).
        public var shardsLeft = 0
        /// Why it stopped early, if it did.
        public var stopReason: String?
    }

    public let configuration: Configuration
    let journal: PostgresJournal
    let logger: Logger
    let report: @Sendable (String) -> Void
    private let stopping = Mutex<Stopping>(Stopping())

    struct Stopping {
        var reason: String?
        var current: RunStopper?
    }

    /// A worker on `journal`; `report` gets one line per shard and the worker's own notices.
    public init(
        configuration: Configuration, journal: PostgresJournal, logger: Logger,
        report: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.journal = journal
        self.logger = logger
        self.report = report
    }

    /// `host:pid`, unique among the processes of a fleet.
    public static func defaultName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Stops gently (SIGINT): the shard in hand drains (no new request, the answers of those in flight recorded)
    /// and is given back for another worker; no shard is claimed after.
    public func stop(_ reason: String) {
        let current = stopping.withLock { state -> RunStopper? in
            if state.reason == nil { state.reason = reason }
            return state.current
        }
        if let current { Task { await current.stop(reason) } }
    }

    var stopReason: String? { stopping.withLock { $0.reason } }

    /// Claims and runs shards until there are none left (with a run to serve), `maxShards` are done, or it is
    /// stopped.
    public func run() async -> Outcome {
        var outcome = Outcome()
        var idleNoted = false, failing = false
        while stopReason == nil {
            if let limit = configuration.maxShards, outcome.shardsDone + outcome.shardsLeft >= limit { break }
            let sentAt = ContinuousClock.now
            let claim: ShardClaim?
            do {
                claim = try await journal.claimShard(
                    runID: configuration.runID, worker: configuration.name, lease: configuration.lease.duration,
                    grace: configuration.grace)
            } catch {
                // Said once until a claim works again (the journal's own retries have run out by now).
                if !failing { logger.warning("cannot claim a shard: \(error.message)", metadata: ["worker": "\(configuration.name)"]) }
                failing = true
                try? await Task.sleep(for: configuration.poll)
                continue
            }
            failing = false
            guard let claim else {
                if configuration.leavesWhenRunEnds, let runID = configuration.runID, await !runIsOpen(runID) { break }
                if !idleNoted {
                    logger.debug("no shard to claim: waiting", metadata: ["worker": "\(configuration.name)"])
                    idleNoted = true
                }
                try? await Task.sleep(for: configuration.poll)
                continue
            }
            idleNoted = false
            let shard = ShardWork(worker: self, claim: claim, claimSentAt: sentAt)
            if await shard.run() { outcome.shardsDone += 1 } else { outcome.shardsLeft += 1 }
        }
        outcome.stopReason = stopReason
        return outcome
    }

    /// Whether run `runID` may still have shards to claim: not all done, and not told to stop.
    private func runIsOpen(_ runID: String) async -> Bool {
        do {
            return try await journal.openDistributedRuns().contains(runID)
        } catch {
            return true
        }
    }

    /// Routes the worker's stop to the runner of the shard in hand (and hands it a stop that came before).
    func attach(_ stopper: RunStopper?) {
        let pending = stopping.withLock { state -> String? in
            state.current = stopper
            return stopper == nil ? nil : state.reason
        }
        if let pending, let stopper { Task { await stopper.stop(pending) } }
    }
}
