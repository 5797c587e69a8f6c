import Foundation

/// A shard of a distributed run as a worker holds it: which run, which shard, and the epoch of the claim (each
/// claim of a shard takes the next epoch; only the latest may write intents or end the shard).
public struct ShardFence: Sendable, Hashable {
    public var runID: String
    public var shard: Int
    public var epoch: Int64

    public init(runID: String, shard: Int, epoch: Int64) {
        self.runID = runID
        self.shard = shard
        self.epoch = epoch
    }
}

/// What a claim got.
public struct ShardClaim: Sendable, Equatable {
    public var fence: ShardFence
    /// The shard was held by another worker whose lease had run out (plus the grace): its open intents must be
    /// resolved by reading the SIMs first, as `--resume` does.
    public var tookOver: Bool
    /// The worker whose lease ran out, when taken over.
    public var previousOwner: String?
}

/// One shard of a distributed run, as `cmo runs show` and the coordinator's progress see it.
public struct ShardRow: Sendable, Equatable {
    public enum State: String, Sendable {
        case pending
        case leased
        case done
    }

    public var shard: Int
    public var state: State
    public var owner: String?
    public var epoch: Int64
    /// The items of the shard.
    public var items: Int
    /// The shard's change counts by state, as its worker reported them when it ended the shard.
    public var counts: [String: Int]
    /// The script error that ended the shard, if one did.
    public var error: String?
    /// Leased, and its lease has not run out (by the journal server's clock).
    public var leaseRunning: Bool

    public init(
        shard: Int, state: State, owner: String?, epoch: Int64, items: Int, counts: [String: Int], error: String? = nil,
        leaseRunning: Bool = false
    ) {
        self.leaseRunning = leaseRunning
        self.shard = shard
        self.state = state
        self.owner = owner
        self.epoch = epoch
        self.items = items
        self.counts = counts
        self.error = error
    }
}

/// A lease event, for the audit of who held which shard when.
public struct ShardLeaseEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A pending shard claimed.
        case claimed
        /// A shard claimed from a worker whose lease had run out.
        case tookOver = "took_over"
        /// A lease renewed.
        case renewed
        /// A renewal refused: another worker holds the shard now.
        case refused
        /// An intent refused: the writer no longer held the lease at its epoch.
        case fenced
        /// The shard done.
        case released
        /// The shard given back unfinished (its worker was told to stop), pending again.
        case returned
    }

    public var shard: Int
    public var epoch: Int64
    public var worker: String
    public var kind: Kind
    /// When the journal's server recorded it.
    public var at: Date
}

/// What every worker of a distributed run needs to run its shards, stored with the run: the script (its name for
/// messages, and its text: workers on other hosts need not have the file) and the run's settings (vars, dry run,
/// guards, limits) as JSON the engine writes and reads.
public struct DistributedRunPlan: Sendable, Equatable {
    public var scriptName: String
    public var script: String
    public var settings: String
    /// `--max-changes`, counted across workers by the journal itself.
    public var maxChanges: Int?

    public init(scriptName: String = "", script: String = "", settings: String = "{}", maxChanges: Int? = nil) {
        self.scriptName = scriptName
        self.script = script
        self.settings = settings
        self.maxChanges = maxChanges
    }
}

/// A distributed run as the journal holds it: its plan, its size, whether it was told to stop, and the run-wide
/// totals the guards read.
public struct DistributedRunRecord: Sendable, Equatable {
    public var runID: String
    public var plan: DistributedRunPlan
    public var shardSize: Int
    public var shards: Int
    public var items: Int
    /// Why the run was told to stop; nil while it goes on.
    public var stopReason: String?
    /// Intents written by all workers (counted only under `--max-changes`).
    public var changesStarted: Int
    /// Changes that ended `changed` or `failed` in the shards done, and the failed ones among them.
    public var changesEnded: Int
    public var changesFailed: Int
}
