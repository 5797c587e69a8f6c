import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

extension CMOClient {
    /// What one attempt produced.
    private enum AttemptResult {
        case response(HTTPOutcome, token: AccessToken, sentAt: ContinuousClock.Instant)
        case transport(TransportFailure)
    }

    /// Sends a request with limits, a token, retries and one token refresh on 401; returns a 2xx answer.
    func send(_ request: APIRequest) async throws(CMOError) -> HTTPOutcome {
        let clock = configuration.clock
        var retry = RetryStateMachine(policy: configuration.retry, safety: request.safety, start: clock.now)
        var generator = SystemRandomNumberGenerator()
        var refreshedAfter401 = false
        while true {
            retry.attemptStarted()
            let failure: RetryStateMachine.Failure
            var lastResponse: HTTPOutcome?
            // In a task of its own, so the request's frames are freed when it ends (see ChildTask).
            switch try await ChildTask.run({ () async throws(CMOError) in try await self.attempt(request) }).get() {
            case .response(let outcome, let token, let sentAt):
                if outcome.isSuccess { return outcome }
                if outcome.status == 401 {
                    guard !refreshedAfter401 else {
                        throw CMOError.unauthorized(request: request.label, response: outcome, attempts: retry.attempts)
                    }
                    // Expired or revoked: drop the token, get a fresh one (single flight) and try once more.
                    refreshedAfter401 = true
                    tokens.rejected(token, sentAt: sentAt)
                    logger.debug("401 from the API, refreshing the token", metadata: ["request": "\(request.label)"])
                    continue
                }
                if outcome.status == 429 {
                    metrics.rateLimitedResponse()
                    // Every process sharing the pace holds back, not only this one.
                    await configuration.sharedPace?.rateLimited(retryAfter: outcome.retryAfter)
                }
                lastResponse = outcome
                failure = .status(outcome.status, retryAfter: outcome.retryAfter)
            case .transport(let transport):
                if let problem = transport.problem {
                    throw await problem.error(
                        url: request.url(base: baseURL), request: request.label, proxy: apiProxy,
                        tls: configuration.tls, attempts: retry.attempts)
                }
                failure = .transport(transport)
            }
            switch retry.attemptFailed(failure, now: clock.now, using: &generator) {
            case .retry(let delay):
                metrics.retryScheduled()
                logger.debug(
                    "retrying",
                    metadata: [
                        "request": "\(request.label)", "attempt": "\(retry.attempts)",
                        "failure": "\(lastResponse.map { "HTTP \($0.status)" } ?? "\(failure)")",
                        "delay_ms": "\(Int(delay.seconds * 1000))",
                    ])
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    throw CMOError.cancelled("waiting to retry \(request.label)")
                }
            case .giveUp(let reason):
                throw giveUpError(reason, request: request, failure: failure, response: lastResponse, attempts: retry.attempts)
            }
        }
    }

    private func giveUpError(
        _ reason: RetryStateMachine.GiveUpReason, request: APIRequest, failure: RetryStateMachine.Failure,
        response: HTTPOutcome?, attempts: Int
    ) -> CMOError {
        switch (reason, failure) {
        case (.retryAfterTooLong(let wait), _):
            return .rateLimited(
                request: request.label, retryAfter: wait, maximumWait: configuration.retry.maximumRetryAfter,
                response: response, attempts: attempts)
        case (.outcomeUnknown, .transport(let transport)):
            return .outcomeUnknown(request: request.label, reason: transport.summary, attempts: attempts)
        case (.outcomeUnknown, .status(let status, _)):
            return .outcomeUnknown(request: request.label, reason: "gateway answered HTTP \(status)", attempts: attempts)
        case (_, .transport(let transport)):
            return .transport(transport, request: request.label, attempts: attempts)
        case (_, .status):
            // `response` is always set for a status failure.
            let outcome = response ?? HTTPOutcome(status: 0, headers: [:], body: ByteBuffer())
            return .http(
                request: request.label, response: outcome,
                retryable: RetryStateMachine.isRetryableStatus(outcome.status), attempts: attempts)
        }
    }

    /// Waits for the turn the pace shared with other processes gives (`Configuration.sharedPace`), holding the
    /// request's slot: the shared pace is the narrower limit, so the slot would wait anyway.
    private func awaitTurn(of pace: any SharedRequestPace, for request: APIRequest) async throws(CMOError) {
        do {
            try await pace.awaitTurn()
        } catch is CancellationError {
            throw CMOError.cancelled("waiting for the tenant rate limit to send \(request.label)")
        } catch {
            throw CMOError(kind: .network, message: "cannot send \(request.label): tenant rate limit: \(error)")
        }
        if Task.isCancelled { throw CMOError.cancelled("waiting for the tenant rate limit to send \(request.label)") }
    }

    /// One attempt: a slot, a token, the shared pace (if any), the exchange.
    private func attempt(_ request: APIRequest) async throws(CMOError) -> AttemptResult {
        let backend = request.backend
        try await limiter.acquire(backend: backend, request: request.label)
        defer { limiter.release() }
        // A task cancelled while it waited for a slot sends nothing.
        if Task.isCancelled { throw CMOError.cancelled("waiting to send \(request.label)") }
        let token = try await tokens.token()
        if let pace = configuration.sharedPace { try await awaitTurn(of: pace, for: request) }

        let url = request.url(base: baseURL)
        var httpRequest = HTTPClientRequest(url: url)
        httpRequest.method = request.method
        httpRequest.headers.reserveCapacity(4)
        httpRequest.headers.add(name: "Authorization", value: "Bearer \(token.value.value)")
        httpRequest.headers.add(name: "Accept", value: "application/json")
        if let body = request.body {
            httpRequest.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
            httpRequest.body = .bytes(ByteBuffer(bytes: body))
        }
        debugLog?.request(method: request.method, url: url, headers: httpRequest.headers, body: request.body)
        metrics.requestSent()
        let started = ContinuousClock.now
        let sentAt = configuration.clock.now  // compared with the token's receivedAt, on the same clock
        if let responder = configuration.responder {
            let outcome = await replayed(request, by: responder)
            limiter.answered(backend: backend, outcome: outcome)
            return .response(outcome, token: token, sentAt: sentAt)
        }
        do {
            let response = try await httpClient.execute(httpRequest, timeout: configuration.timeout.request.timeAmount)
            let body = try await response.body.collect(upTo: 64 << 20)
            let outcome = HTTPOutcome(status: Int(response.status.code), headers: response.headers, body: body)
            debugLog?.response(method: request.method, url: url, outcome: outcome, elapsed: .now - started)
            configuration.recorder?.record(Self.exchange(request, outcome: outcome, elapsed: .now - started))
            limiter.answered(backend: backend, outcome: outcome)
            return .response(outcome, token: token, sentAt: sentAt)
        } catch {
            if Task.isCancelled { throw CMOError.cancelled("sending \(request.label)") }
            let failure = TransportFailure(classifying: error, proxied: apiProxy != nil)
            debugLog?.failure(method: request.method, url: url, failure: failure, elapsed: .now - started)
            return .transport(failure)
        }
    }
}
