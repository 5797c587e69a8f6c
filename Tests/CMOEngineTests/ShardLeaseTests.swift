import CMOEngine
import Testing

/// A distributed run's shard lease, on a worker's monotonic clock, without a database: when requests may start,
/// when to renew, and that a lease is never thought held past the moment the database may hand it to another.
@Suite struct ShardLeaseTests {
    let start = ContinuousClock.now
    let terms = ShardLease.Terms(duration: .seconds(30), heartbeat: .seconds(10), margin: .seconds(2))

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    @Test func theDeadlineCountsFromWhenTheClaimWasSentLessTheMargin() {
        // The claim took 5 s to be answered: the server's expiry is at least 30 s after sending, so is ours.
        let lease = ShardLease(shard: 3, epoch: 7, claimSentAt: at(0), terms: terms)
        #expect(lease.deadline == at(28))
        #expect(lease.maySend(at: at(5)))
        #expect(lease.maySend(at: at(27.999)))
        #expect(!lease.maySend(at: at(28)))
    }

    @Test func aRenewalIsAskedEveryHeartbeatAndMovesTheDeadlineFromItsSending() {
        var lease = ShardLease(shard: 0, epoch: 1, claimSentAt: at(0), terms: terms)
        #expect(lease.nextWake == at(10))
        #expect(lease.handle(.tick(now: at(9))) == [])
        #expect(lease.handle(.tick(now: at(10))) == [.renew])
        // One renewal at a time: ticks before its answer ask for none.
        #expect(lease.handle(.tick(now: at(15))) == [])
        #expect(lease.nextWake == at(28))
        #expect(lease.handle(.renewed(sentAt: at(10))) == [])
        #expect(lease.deadline == at(38))
        #expect(lease.nextWake == at(20))
        #expect(lease.handle(.tick(now: at(20))) == [.renew])
    }

    @Test func aLateAnswerToAnOldRenewalNeverMovesTheDeadlineBack() {
        var lease = ShardLease(shard: 0, epoch: 1, claimSentAt: at(0), terms: terms)
        _ = lease.handle(.tick(now: at(10)))
        _ = lease.handle(.renewed(sentAt: at(10)))
        _ = lease.handle(.renewed(sentAt: at(4)))
        #expect(lease.deadline == at(38))
    }

    @Test func withoutRenewalsSendingStopsAtTheDeadline() {
        var lease = ShardLease(shard: 2, epoch: 4, claimSentAt: at(0), terms: terms)
        #expect(lease.handle(.tick(now: at(10))) == [.renew])
        #expect(lease.handle(.renewalFailed) == [])
        #expect(lease.handle(.tick(now: at(20))) == [.renew])
        #expect(lease.handle(.renewalFailed) == [])
        #expect(lease.maySend(at: at(27)))
        #expect(lease.handle(.tick(now: at(28))) == [.stopSending])
        #expect(lease.state == .lost(.expired))
        #expect(!lease.maySend(at: at(28)))
        // Lost is final: a renewal answered now does not bring it back.
        #expect(lease.handle(.renewed(sentAt: at(20))) == [])
        #expect(!lease.maySend(at: at(29)))
    }

    @Test func aRefusedRenewalStopsAtOnce() {
        var lease = ShardLease(shard: 1, epoch: 2, claimSentAt: at(0), terms: terms)
        _ = lease.handle(.tick(now: at(10)))
        #expect(lease.handle(.refused) == [.stopSending])
        #expect(lease.state == .lost(.takenOver))
        #expect(!lease.maySend(at: at(11)))
    }

    @Test func aFinishedShardIsReleasedOnce() {
        var lease = ShardLease(shard: 1, epoch: 2, claimSentAt: at(0), terms: terms)
        #expect(lease.handle(.finished) == [.release])
        #expect(lease.state == .released)
        #expect(lease.handle(.finished) == [])
        #expect(lease.nextWake == nil)
    }

    @Test func theDefaultsAreThirtySecondLeasesRenewedEveryTen() {
        let defaults = ShardLease.Terms()
        #expect(defaults.duration == .seconds(30) && defaults.heartbeat == .seconds(10))
        #expect(defaults.margin < defaults.heartbeat)
    }
}
