import Foundation
import NIOHTTP1
import Testing

@testable import CMOClient

/// `RatePacing`, the rule behind per-backend request spacing, on a fake clock; and what feeds it.
@Suite struct RatePacingTests {
    let t0 = ContinuousClock.now

    func pacing(globalRate: Double? = nil, maximumWait: Duration = .seconds(60)) -> RatePacing {
        RatePacing(globalRate: globalRate, catalogue: .standard, maximumWait: maximumWait)
    }

    func starts(_ pacing: inout RatePacing, _ backend: String?, count: Int, at now: ContinuousClock.Instant)
        -> [RatePacing.Decision]
    {
        (0..<count).map { _ in pacing.reserve(backend: backend, now: now) }
    }

    @Test func oneNCEIsSpacedByTheCataloguesRateAndOtherBackendsAreNot() {
        var pacing = pacing()
        #expect(pacing.rate(backend: "1NCE") == 10)
        #expect(pacing.rate(backend: "JASPER") == nil)
        #expect(starts(&pacing, "1NCE", count: 4, at: t0) == (0..<4).map { .start(at: t0 + .milliseconds(100 * $0)) })
        // JASPER, a backend the catalogue does not know, and requests without a backend start at once.
        #expect(starts(&pacing, "JASPER", count: 4, at: t0) == Array(repeating: .start(at: t0), count: 4))
        #expect(starts(&pacing, "ACME", count: 2, at: t0) == Array(repeating: .start(at: t0), count: 2))
        #expect(starts(&pacing, nil, count: 2, at: t0) == Array(repeating: .start(at: t0), count: 2))
        // 1NCE's schedule went on undisturbed.
        #expect(pacing.reserve(backend: "1NCE", now: t0) == .start(at: t0 + .milliseconds(400)))
    }

    @Test func requestsThatWakeLateTogetherAreSpacedAgain() {
        var pacing = pacing()
        // Five 1NCE starts reserved 100 ms apart; the machine was busy and all five wake at 1 s.
        _ = starts(&pacing, "1NCE", count: 5, at: t0)
        let late = t0 + .seconds(1)
        let actual = (0..<5).map { _ in pacing.confirm(backend: "1NCE", now: late) }
        #expect(actual == (0..<5).map { late + .milliseconds(100 * $0) })
        // The next reservation comes after them, not at the old schedule's end (t0 + 500 ms).
        #expect(pacing.reserve(backend: "1NCE", now: late) == .start(at: late + .milliseconds(500)))
        // On time, a confirmation changes nothing; a backend without a rate is never held.
        var onTime = self.pacing()
        let planned = starts(&onTime, "1NCE", count: 3, at: t0)
        for case .start(let at) in planned { #expect(onTime.confirm(backend: "1NCE", now: at) == at) }
        #expect(onTime.confirm(backend: "JASPER", now: late) == late)
    }

    @Test func aTooManyRequestsBlocksAndSlowsOnlyItsBackend() {
        var pacing = pacing()
        pacing.answered(backend: "1NCE", status: 429, retryAfter: .seconds(2), rateLimit: nil, now: t0)
        #expect(pacing.rate(backend: "1NCE") == 7.5)
        #expect(pacing.reserve(backend: "1NCE", now: t0) == .start(at: t0 + .seconds(2)))
        #expect(pacing.blocked(backend: "1NCE", now: t0 + .seconds(1)) == t0 + .seconds(2))
        #expect(pacing.reserve(backend: "JASPER", now: t0) == .start(at: t0))
        #expect(pacing.reserve(backend: nil, now: t0) == .start(at: t0))
        #expect(pacing.blocked(backend: "JASPER", now: t0) == nil)
        // A burst of 429s (requests that were in flight together) lowers the rate once; a later one again.
        pacing.answered(backend: "1NCE", status: 429, retryAfter: nil, rateLimit: nil, now: t0 + .milliseconds(10))
        #expect(pacing.rate(backend: "1NCE") == 7.5)
        pacing.answered(backend: "1NCE", status: 429, retryAfter: nil, rateLimit: nil, now: t0 + .seconds(3))
        #expect(pacing.rate(backend: "1NCE") == 7.5 * 0.75)
    }

    @Test func aBackendWithoutARateLearnsOneFromWhatItUsedWhenRefused() {
        var pacing = pacing()
        _ = starts(&pacing, "JASPER", count: 20, at: t0)
        pacing.answered(backend: "JASPER", status: 429, retryAfter: nil, rateLimit: nil, now: t0 + .milliseconds(500))
        #expect(pacing.rate(backend: "JASPER") == 15)
        #expect(pacing.rate(backend: "TMUS") == nil)
        // Never below one request a second.
        var slow = self.pacing()
        slow.answered(backend: "TMUS", status: 429, retryAfter: nil, rateLimit: nil, now: t0)
        #expect(slow.rate(backend: "TMUS") == 1)
    }

    @Test func remainingZeroWaitsForTheResetOfItsBackendOrOfAll() {
        var pacing = pacing()
        let exhausted = RateLimitHeaders(limit: 5, remaining: 0, reset: .seconds(1))
        pacing.answered(backend: "JASPER", status: 200, retryAfter: nil, rateLimit: exhausted, now: t0)
        #expect(pacing.reserve(backend: "JASPER", now: t0) == .start(at: t0 + .seconds(1)))
        #expect(pacing.reserve(backend: "TMUS", now: t0) == .start(at: t0))
        #expect(pacing.rate(backend: "JASPER") == nil)  // a header is no refusal: the rate stays
        // Remaining requests, or a reset beyond the longest wait, hold nobody.
        pacing.answered(
            backend: "TMUS", status: 200, retryAfter: nil, rateLimit: RateLimitHeaders(remaining: 1, reset: .seconds(1)),
            now: t0)
        pacing.answered(
            backend: "TMUS", status: 200, retryAfter: nil,
            rateLimit: RateLimitHeaders(remaining: 0, reset: .seconds(3600)), now: t0)
        #expect(pacing.reserve(backend: "TMUS", now: t0) == .start(at: t0))
        // Without a backend, everybody waits.
        pacing.answered(backend: nil, status: 200, retryAfter: nil, rateLimit: exhausted, now: t0 + .seconds(5))
        #expect(pacing.reserve(backend: "TMUS", now: t0 + .seconds(5)) == .start(at: t0 + .seconds(6)))
        #expect(pacing.reserve(backend: nil, now: t0 + .seconds(5)) == .start(at: t0 + .seconds(6)))
    }

    @Test func aBlockLongerThanTheLongestWaitRefusesAtOnce() {
        var pacing = pacing(maximumWait: .seconds(60))
        pacing.answered(backend: "1NCE", status: 429, retryAfter: .seconds(3600), rateLimit: nil, now: t0)
        #expect(pacing.reserve(backend: "1NCE", now: t0 + .seconds(600)) == .refuse(retryAfter: .seconds(3000)))
        #expect(pacing.reserve(backend: "JASPER", now: t0) == .start(at: t0))
        // Within the longest wait at last: a wait, not a refusal.
        #expect(pacing.reserve(backend: "1NCE", now: t0 + .seconds(3570)) == .start(at: t0 + .seconds(3600)))
    }

    @Test func theGlobalRateStillSpacesEveryRequest() {
        var pacing = pacing(globalRate: 4)
        let starts = (0..<3).map { _ in pacing.reserveGlobal(now: t0) }
        #expect(starts == [t0, t0 + .milliseconds(250), t0 + .milliseconds(500)])
        var unlimited = self.pacing()
        #expect(unlimited.reserveGlobal(now: t0) == nil)
    }

    @Test func requestsNameTheirBackendByTheProductInTheirPath() {
        #expect(APIRequest.backend(ofPath: "product/1NCE-8988303000001234567") == "1NCE")
        #expect(APIRequest.backend(ofPath: "product/TMSP-8949020000012345678-simCard") == "TMSP")
        #expect(APIRequest.backend(ofPath: "product/find") == nil)
        #expect(APIRequest.backend(ofPath: "product") == nil)
        #expect(APIRequest.backend(ofPath: "monitor/8949-1700000000000") == nil)
        #expect(APIRequest.backend(ofPath: "product/%2Fx-1") == nil)
        var poll = APIRequest(method: .GET, path: "monitor/1", safety: .read)
        #expect(poll.backend == nil)
        poll.backendHint = "TMSP"
        #expect(poll.backend == "TMSP")
        let monitor = Monitor(
            id: "1", sourceHref: "http://h/v5/eos/product/GALAXY1-1234-terminal", state: .inProgress)
        #expect(CMOClient.backend(of: monitor) == "GALAXY1")
    }

    @Test func rateLimitHeadersAreReadAsSecondsOrAsAUnixTime() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let relative = RateLimitHeaders(
            ["X-Rate-Limit-Limit": "10", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "2"], now: now)
        #expect(relative == RateLimitHeaders(limit: 10, remaining: 0, reset: .seconds(2)))
        #expect(relative?.exhaustedFor == .seconds(2))
        let absolute = RateLimitHeaders(["x-rate-limit-remaining": "0", "x-rate-limit-reset": "1800000030"], now: now)
        #expect(absolute?.exhaustedFor == .seconds(30))
        #expect(RateLimitHeaders(["X-Rate-Limit-Remaining": "3", "X-Rate-Limit-Reset": "2"], now: now)?.exhaustedFor == nil)
        #expect(RateLimitHeaders(["Retry-After": "2"], now: now) == nil)
    }

    @Test func aRetryAfterLongerThanTheLongestWaitGivesUpAtOnceFor429And503() {
        let policy = RetryPolicy(maximumRetryAfter: .seconds(60))
        var generator = SeededGenerator(seed: 5)
        for status in [429, 503] {
            var machine = RetryStateMachine(policy: policy, safety: .nonIdempotentChange, start: t0)
            machine.attemptStarted()
            #expect(
                machine.attemptFailed(.status(status, retryAfter: .seconds(3600)), now: t0, using: &generator)
                    == .giveUp(.retryAfterTooLong(.seconds(3600))))
        }
        // A wait within --max-retry-wait is honoured even past maximumElapsed.
        var patient = RetryStateMachine(
            policy: RetryPolicy(maximumElapsed: .seconds(10), maximumRetryAfter: .seconds(300)), safety: .read, start: t0)
        patient.attemptStarted()
        guard case .retry(let delay) = patient.attemptFailed(.status(429, retryAfter: .seconds(200)), now: t0, using: &generator)
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(delay >= .seconds(200))
    }
}
