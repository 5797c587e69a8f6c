import ArgumentParser
import CMOEngine

/// `--lease`, `--heartbeat`, `--lease-grace`: how a worker of a distributed run holds its shards (`cmo worker`,
/// and the coordinator's own worker in `cmo run --distributed`).
struct LeaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds a shard's lease lasts unless renewed.", valueName: "SECONDS"))
    var lease: Double = 30

    @Option(help: ArgumentHelp("Seconds between a held lease's renewals.", valueName: "SECONDS"))
    var heartbeat: Double = 10

    @Option(
        help: ArgumentHelp(
            "Seconds after a lease ran out before another worker may take its shard over; longer than the API's "
                + "request timeout (default: that timeout + 5).",
            valueName: "SECONDS"))
    var leaseGrace: Double?

    func validate() throws {
        guard lease > 0, lease.isFinite else { throw ValidationError("--lease must be a positive number of seconds") }
        guard heartbeat > 0, heartbeat < lease else {
            throw ValidationError("--heartbeat must be positive and shorter than --lease")
        }
        if let leaseGrace, !(leaseGrace > 0 && leaseGrace.isFinite) {
            throw ValidationError("--lease-grace must be a positive number of seconds")
        }
    }

    /// The lease's terms: a safety margin of a tenth of the lease (at most 2 s) before its end by this worker's
    /// clock.
    var terms: ShardLease.Terms {
        ShardLease.Terms(
            duration: Self.duration(lease), heartbeat: Self.duration(heartbeat), margin: Self.duration(min(2, lease / 10)))
    }

    var grace: Duration? { leaseGrace.map(Self.duration) }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64(seconds * 1000)) }
}
