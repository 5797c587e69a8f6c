/// A worker's hold on one shard of a distributed run, kept on the worker's monotonic clock: events in, actions
/// out, no I/O (the worker does what the actions say).
///
/// The database grants a lease until its own `now + duration`. The worker cannot read that clock, so it counts
/// from the moment it *sent* the claim (or the renewal that succeeded): the server's `now` came later, so the
/// worker's deadline, `sent + duration - margin`, falls before the server's expiry whatever the two clocks say.
/// From that deadline on no new request may start; one sent just before may still be in flight for up to the HTTP
/// timeout, which is why a takeover waits out a grace longer than that timeout after the expiry.
public struct ShardLease: Sendable, Equatable {
    /// How long a lease lasts, how often it is renewed, and the margin kept before its end.
    public struct Terms: Sendable, Equatable {
        public var duration: Duration
        public var heartbeat: Duration
        public var margin: Duration

        /// The defaults: 30 s leases renewed every 10 s, sending stopped 2 s before the end.
        public init(duration: Duration = .seconds(30), heartbeat: Duration = .seconds(10), margin: Duration = .seconds(2)) {
            self.duration = duration
            self.heartbeat = heartbeat
            self.margin = margin
        }
    }

    /// Where the hold stands.
    public enum State: Sendable, Equatable {
        /// Held: requests may start before `deadline`.
        case held(deadline: ContinuousClock.Instant)
        /// Gone: the deadline passed without a renewal, or the database said another worker holds the shard.
        case lost(LossReason)
        /// Given back after the shard's items were done.
        case released
    }

    /// Why a lease was lost.
    public enum LossReason: Sendable, Equatable {
        case expired
        case takenOver
    }

    /// Something that happened.
    public enum Event: Sendable, Equatable {
        /// Time passed: `now` on the monotonic clock.
        case tick(now: ContinuousClock.Instant)
        /// A renewal sent at `sentAt` was granted at this lease's epoch.
        case renewed(sentAt: ContinuousClock.Instant)
        /// The database refused a renewal: the shard's epoch moved on (another worker claimed it).
        case refused
        /// A renewal could not be answered (the database away); the lease runs on to its deadline.
        case renewalFailed
        /// The shard's items are done.
        case finished
    }

    /// What the worker does next.
    public enum Action: Sendable, Equatable {
        /// Send a renewal of the lease at its epoch.
        case renew
        /// Start no new request for this shard, and stop its items.
        case stopSending
        /// Mark the shard done and give the lease back (at its epoch).
        case release
    }

    public let shard: Int
    /// The claim's number: every claim of the shard takes the next one, and only the holder of the latest may
    /// commit an intent.
    public let epoch: Int64
    public let terms: Terms
    public private(set) var state: State
    private var lastRenewalSent: ContinuousClock.Instant
    private var renewalInFlight = false

    /// The lease of a claim sent at `claimSentAt` and granted at `epoch`.
    public init(shard: Int, epoch: Int64, claimSentAt: ContinuousClock.Instant, terms: Terms = Terms()) {
        self.shard = shard
        self.epoch = epoch
        self.terms = terms
        state = .held(deadline: claimSentAt + terms.duration - terms.margin)
        lastRenewalSent = claimSentAt
    }

    /// Whether a request for this shard may start at `now`.
    public func maySend(at now: ContinuousClock.Instant) -> Bool {
        deadline.map { now < $0 } ?? false
    }

    /// The deadline requests must start before, while held.
    public var deadline: ContinuousClock.Instant? {
        guard case .held(let deadline) = state else { return nil }
        return deadline
    }

    /// When the worker should next hand this lease a `tick`: the next renewal or the deadline, whichever is first.
    public var nextWake: ContinuousClock.Instant? {
        guard case .held(let deadline) = state else { return nil }
        return renewalInFlight ? deadline : min(lastRenewalSent + terms.heartbeat, deadline)
    }

    /// Takes `event`; returns what to do.
    public mutating func handle(_ event: Event) -> [Action] {
        guard case .held(let deadline) = state else { return [] }
        switch event {
        case .tick(let now):
            if now >= deadline {
                state = .lost(.expired)
                return [.stopSending]
            }
            guard !renewalInFlight, now >= lastRenewalSent + terms.heartbeat else { return [] }
            renewalInFlight = true
            lastRenewalSent = now
            return [.renew]
        case .renewed(let sentAt):
            renewalInFlight = false
            // A late answer to an old renewal never moves the deadline back.
            state = .held(deadline: max(deadline, sentAt + terms.duration - terms.margin))
            return []
        case .refused:
            state = .lost(.takenOver)
            return [.stopSending]
        case .renewalFailed:
            renewalInFlight = false
            return []
        case .finished:
            state = .released
            return [.release]
        }
    }
}
