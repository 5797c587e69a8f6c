import Foundation
import Testing

@testable import CMOClient

@Suite struct RetryTests {
    let t0 = ContinuousClock.now
    let policy = RetryPolicy(
        maximumAttempts: 5, initialDelay: .milliseconds(100), maximumDelay: .seconds(2), maximumElapsed: .seconds(30))

    @Test func backoffBoundsGrowExponentiallyToTheCap() {
        let bounds = (1...7).map { policy.backoffBound(retry: $0) }
        #expect(
            bounds == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
                .seconds(2), .seconds(2),
            ])
    }

    @Test func fullJitterIsDeterministicWithASeededSourceAndStaysInBounds() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = (1...20).map { policy.backoff(retry: $0 % 6 + 1, using: &first) }
        let b = (1...20).map { policy.backoff(retry: $0 % 6 + 1, using: &second) }
        #expect(a == b)
        for (index, delay) in a.enumerated() {
            #expect(delay >= .zero && delay <= policy.backoffBound(retry: (index + 1) % 6 + 1))
        }
        // Full jitter spreads: not all the same value.
        #expect(Set(a).count > 10)
    }

    @Test func readsRetryServerErrorsAndTransportFailuresUntilAttemptsRunOut() {
        var machine = RetryStateMachine(policy: policy, safety: .read, start: t0)
        var generator = SeededGenerator(seed: 1)
        let failures: [RetryStateMachine.Failure] = [
            .status(503, retryAfter: nil), .status(502, retryAfter: nil), .status(504, retryAfter: nil),
            .transport(TransportFailure(stage: .maybeSent, isTimeout: false, summary: "closed")),
        ]
        for failure in failures {
            machine.attemptStarted()
            guard case .retry = machine.attemptFailed(failure, now: t0, using: &generator) else {
                Issue.record("expected a retry after \(failure)")
                return
            }
        }
        machine.attemptStarted()
        #expect(
            machine.attemptFailed(.status(503, retryAfter: nil), now: t0, using: &generator)
                == .giveUp(.attemptsExhausted))
        #expect(machine.attempts == 5)
    }

    @Test func clientErrorsAreNotRetried() {
        var machine = RetryStateMachine(policy: policy, safety: .read, start: t0)
        var generator = SeededGenerator(seed: 1)
        machine.attemptStarted()
        for status in [400, 403, 404, 409, 413, 415, 422, 501] {
            #expect(
                machine.attemptFailed(.status(status, retryAfter: nil), now: t0, using: &generator)
                    == .giveUp(.notRetryable))
        }
    }

    @Test func tooManyRequestsWaitsForRetryAfter() {
        var machine = RetryStateMachine(policy: policy, safety: .nonIdempotentChange, start: t0)
        var generator = SeededGenerator(seed: 7)
        machine.attemptStarted()
        guard case .retry(let delay) = machine.attemptFailed(.status(429, retryAfter: .seconds(3)), now: t0, using: &generator)
        else {
            Issue.record("expected a retry")
            return
        }
        #expect(delay >= .seconds(3) && delay <= .seconds(3) + policy.backoffBound(retry: 1))
    }

    @Test func tooLongRetryAfterEndsRetries() {
        var machine = RetryStateMachine(policy: policy, safety: .read, start: t0)
        var generator = SeededGenerator(seed: 7)
        machine.attemptStarted()
        #expect(
            machine.attemptFailed(.status(429, retryAfter: .seconds(3600)), now: t0, using: &generator)
                == .giveUp(.retryAfterTooLong(.seconds(3600))))
    }

    @Test func elapsedTimeCapsRetries() {
        var machine = RetryStateMachine(policy: policy, safety: .read, start: t0)
        var generator = SeededGenerator(seed: 7)
        machine.attemptStarted()
        #expect(
            machine.attemptFailed(.status(503, retryAfter: nil), now: t0 + .seconds(31), using: &generator)
                == .giveUp(.timeExhausted))
    }

    @Test func nonIdempotentPatchRetriesOnlyWhatWasNotProcessed() {
        var generator = SeededGenerator(seed: 3)
        func decide(_ failure: RetryStateMachine.Failure, _ safety: RetryStateMachine.Safety) -> RetryStateMachine.Action {
            var machine = RetryStateMachine(policy: policy, safety: safety, start: t0)
            machine.attemptStarted()
            return machine.attemptFailed(failure, now: t0, using: &generator)
        }
        let lost = RetryStateMachine.Failure.transport(TransportFailure(stage: .maybeSent, isTimeout: false, summary: "closed"))
        let refused = RetryStateMachine.Failure.transport(TransportFailure(stage: .notSent, isTimeout: false, summary: "refused"))
        #expect(decide(lost, .nonIdempotentChange) == .giveUp(.outcomeUnknown))
        #expect(decide(.status(502, retryAfter: nil), .nonIdempotentChange) == .giveUp(.outcomeUnknown))
        #expect(decide(.status(504, retryAfter: nil), .nonIdempotentChange) == .giveUp(.outcomeUnknown))
        #expect(decide(.status(500, retryAfter: nil), .nonIdempotentChange) == .giveUp(.outcomeUnknown))
        guard case .retry = decide(.status(503, retryAfter: nil), .nonIdempotentChange),
            case .retry = decide(.status(429, retryAfter: nil), .nonIdempotentChange),
            case .retry = decide(refused, .nonIdempotentChange),
            case .retry = decide(lost, .idempotentChange),
            case .retry = decide(.status(502, retryAfter: nil), .idempotentChange)
        else {
            Issue.record("expected retries")
            return
        }
    }

    @Test func retryAfterParsesSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(RetryAfter.parse("5", now: now) == .seconds(5))
        #expect(RetryAfter.parse(" 0 ", now: now) == .zero)
        #expect(RetryAfter.parse("1.5", now: now) == .milliseconds(1500))
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:13:30 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Tuesday, 14-Nov-23 22:13:25 GMT", now: now) == .seconds(5))
        #expect(RetryAfter.parse("Tue Nov 14 22:13:22 2023", now: now) == .seconds(2))
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse(nil, now: now) == nil)
        #expect(RetryAfter.parse("-3", now: now) == nil)
    }
}
