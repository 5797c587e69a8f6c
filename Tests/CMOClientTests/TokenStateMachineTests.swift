import Foundation
import Testing

@testable import CMOClient

@Suite struct TokenStateMachineTests {
    let t0 = ContinuousClock.now

    func token(_ value: String, lifetime: Duration = .seconds(300), at instant: ContinuousClock.Instant) -> AccessToken
    {
        AccessToken(value: Secret(value), lifetime: lifetime, receivedAt: instant, expiresAtDate: Date())
    }

    @Test func firstAcquireFetchesAndOthersWait() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        guard case .startFetchAndWait = machine.acquire(now: t0) else { Issue.record("expected a fetch"); return }
        for _ in 0..<100 {
            guard case .wait = machine.acquire(now: t0) else { Issue.record("expected a wait"); return }
        }
        guard case .succeedWaiters(let given) = machine.fetchSucceeded(token("a", at: t0)) else {
            Issue.record("expected waiters to succeed")
            return
        }
        #expect(given.value == Secret("a"))
        guard case .use(let used) = machine.acquire(now: t0 + .seconds(1)) else { Issue.record("expected use"); return }
        #expect(used.value == Secret("a"))
    }

    @Test func refreshesAheadOfExpiryWhileTheOldTokenStaysInUse() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        _ = machine.acquire(now: t0)
        _ = machine.fetchSucceeded(token("a", at: t0))
        // Before the skew window: plain use.
        guard case .use = machine.acquire(now: t0 + .seconds(269)) else { Issue.record("expected use"); return }
        // In the window: one caller starts the refresh, the rest keep using the old token.
        guard case .useAndStartFetch(let old) = machine.acquire(now: t0 + .seconds(271)) else {
            Issue.record("expected a background refresh")
            return
        }
        #expect(old.value == Secret("a"))
        guard case .use = machine.acquire(now: t0 + .seconds(272)) else { Issue.record("expected use"); return }
        // Past expiry with the refresh still running: wait.
        guard case .wait = machine.acquire(now: t0 + .seconds(300)) else { Issue.record("expected wait"); return }
        _ = machine.fetchSucceeded(token("b", at: t0 + .seconds(301)))
        guard case .use(let fresh) = machine.acquire(now: t0 + .seconds(302)) else {
            Issue.record("expected use")
            return
        }
        #expect(fresh.value == Secret("b"))
    }

    @Test func skewIsCappedAtAQuarterOfShortLifetimes() {
        let machine = TokenStateMachine(refreshSkew: .seconds(30))
        let short = token("a", lifetime: .seconds(2), at: t0)
        #expect(machine.refreshTime(for: short) == t0 + .milliseconds(1500))
        let long = token("b", lifetime: .seconds(300), at: t0)
        #expect(machine.refreshTime(for: long) == t0 + .seconds(270))
    }

    @Test func expiredTokenIsFetchedAgain() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        _ = machine.acquire(now: t0)
        _ = machine.fetchSucceeded(token("a", lifetime: .seconds(1), at: t0))
        guard case .startFetchAndWait = machine.acquire(now: t0 + .seconds(2)) else {
            Issue.record("expected a fetch")
            return
        }
    }

    @Test func rejectedTokenIsDroppedOnlyIfNotNewerThanTheRequest() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        _ = machine.acquire(now: t0)
        _ = machine.fetchSucceeded(token("b", at: t0 + .seconds(10)))
        // A request sent before "b" arrived failed with the old "a": "b" is newer, keep it.
        machine.rejected(token("a", at: t0), sentAt: t0 + .seconds(5))
        guard case .use = machine.acquire(now: t0 + .seconds(11)) else {
            Issue.record("a stale rejection must not drop a newer token")
            return
        }
        // A request sent with "b" failed: drop it.
        machine.rejected(token("b", at: t0 + .seconds(10)), sentAt: t0 + .seconds(11))
        guard case .startFetchAndWait = machine.acquire(now: t0 + .seconds(12)) else {
            Issue.record("expected a fetch")
            return
        }
    }

    @Test func rejectionDropsATokenNoNewerThanTheRequestEvenIfItWasNotTheOneUsed() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        _ = machine.acquire(now: t0)
        _ = machine.fetchSucceeded(token("b", at: t0 + .seconds(1)))
        machine.rejected(token("a", at: t0), sentAt: t0 + .seconds(2))
        guard case .startFetchAndWait = machine.acquire(now: t0 + .seconds(3)) else {
            Issue.record("expected a fetch")
            return
        }
    }

    @Test func finalFailureSticksSoAWrongSecretIsTriedOnce() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        _ = machine.acquire(now: t0)
        let refused = CMOError(kind: .auth, message: "token request rejected: invalid_client", status: 401)
        guard case .failWaiters = machine.fetchFailed(refused, final: true, now: t0) else {
            Issue.record("expected waiters to fail")
            return
        }
        for _ in 0..<10 {
            guard case .fail(let error) = machine.acquire(now: t0 + .seconds(5)) else {
                Issue.record("expected an immediate failure")
                return
            }
            #expect(error.kind == .auth)
        }
    }

    @Test func transientFailureAllowsANewFetch() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        _ = machine.acquire(now: t0)
        _ = machine.fetchFailed(CMOError(kind: .network, message: "down"), final: false, now: t0)
        guard case .startFetchAndWait = machine.acquire(now: t0) else { Issue.record("expected a fetch"); return }
    }

    @Test func transientRefreshFailureKeepsTheValidTokenAndRetriesLater() {
        var machine = TokenStateMachine(refreshSkew: .seconds(30))
        _ = machine.acquire(now: t0)
        _ = machine.fetchSucceeded(token("a", at: t0))
        _ = machine.acquire(now: t0 + .seconds(280))  // starts the refresh
        _ = machine.fetchFailed(CMOError(kind: .network, message: "down"), final: false, now: t0 + .seconds(281))
        guard case .use = machine.acquire(now: t0 + .milliseconds(281_500)) else {
            Issue.record("expected the old token")
            return
        }
        guard case .useAndStartFetch = machine.acquire(now: t0 + .seconds(283)) else {
            Issue.record("expected another refresh")
            return
        }
    }
}
