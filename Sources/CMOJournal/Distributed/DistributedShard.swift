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
    }

    public var shard: Int
    public var epoch: Int64
    public var worker: String
    public var kind: Kind
}
