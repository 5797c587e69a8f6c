import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends client-credentials token requests; retries 429/5xx and connection failures, never a refusal.
struct TokenFetcher: Sendable {
    let configuration: Configuration
    let httpClient: HTTPClient
    /// The proxy token requests go through (`nil`: direct).
    let proxy: ProxyServer?
    let logger: Logger
    let metrics: ClientMetrics
    let debugLog: HTTPDebugLog?

    func fetch() async -> Result<AccessToken, TokenProvider.TokenFetchFailure> {
        if configuration.responder != nil {
            // A replay sends nothing: a token that stands for none, valid for a day.
            return .success(
                AccessToken(
                    value: Secret("replay"), lifetime: .seconds(86_400), receivedAt: configuration.clock.now,
                    expiresAtDate: configuration.clock.date.addingTimeInterval(86_400)))
        }
        let clock = configuration.clock
        var retry = RetryStateMachine(policy: configuration.retry, safety: .read, start: clock.now)
        var generator = SystemRandomNumberGenerator()
        while true {
            retry.attemptStarted()
            metrics.tokenFetchStarted()
            let failure: RetryStateMachine.Failure
            let outcome: HTTPOutcome
            switch await send() {
            case .success(let received):
                outcome = received
            case .failure(let transport):
                if let problem = transport.problem {
                    let error = await problem.error(
                        url: configuration.auth.tokenURL, request: "POST token", proxy: proxy, tls: configuration.tls,
                        attempts: retry.attempts)
                    return .failure(.init(error: error, final: true))
                }
                failure = .transport(transport)
                switch retry.attemptFailed(failure, now: clock.now, using: &generator) {
                case .retry(let delay):
                    logger.warning("token request failed, retrying", metadata: ["reason": "\(transport.summary)"])
                    guard await sleep(delay) else { return cancelled() }
                    continue
                case .giveUp:
                    return .failure(
                        .init(error: .transport(transport, request: "POST token", attempts: retry.attempts), final: false))
                }
            }
            if outcome.isSuccess {
                do {
                    return .success(try parse(outcome))
                } catch {
                    return .failure(.init(error: error, final: false))
                }
            }
            if outcome.status == 400 || outcome.status == 401 || outcome.status == 403 {
                // Not logged above debug: the refusal is thrown to the caller, who reports it once.
                logger.debug("token request refused", metadata: ["status": "\(outcome.status)"])
                return .failure(
                    .init(
                        error: .tokenRejected(
                            status: outcome.status, problem: outcome.problem, attempts: retry.attempts,
                            correlationId: outcome.correlationId),
                        final: true))
            }
            switch retry.attemptFailed(
                .status(outcome.status, retryAfter: outcome.retryAfter), now: clock.now, using: &generator)
            {
            case .retry(let delay):
                logger.warning("token request failed, retrying", metadata: ["status": "\(outcome.status)"])
                guard await sleep(delay) else { return cancelled() }
            case .giveUp(.retryAfterTooLong(let wait)):
                return .failure(
                    .init(
                        error: .rateLimited(
                            request: "POST token", retryAfter: wait, maximumWait: configuration.retry.maximumRetryAfter,
                            response: outcome, attempts: retry.attempts),
                        final: false))
            case .giveUp:
                return .failure(
                    .init(
                        error: CMOError(
                            kind: .auth, message: "token endpoint answered HTTP \(outcome.status)",
                            status: outcome.status, problem: outcome.problem, retryable: true,
                            attempts: retry.attempts, request: "POST token"),
                        final: false))
            }
        }
    }

    private func cancelled() -> Result<AccessToken, TokenProvider.TokenFetchFailure> {
        .failure(.init(error: .cancelled("fetching an access token"), final: false))
    }

    private func sleep(_ delay: Duration) async -> Bool {
        do {
            try await configuration.clock.sleep(for: delay)
            return true
        } catch {
            return false
        }
    }

    private func send() async -> Result<HTTPOutcome, TransportFailure> {
        let auth = configuration.auth
        var form = ["grant_type=client_credentials"]
        if let scope = auth.scope { form.append("scope=\(PathEncoding.encodeForm(scope))") }
        var request = HTTPClientRequest(url: auth.tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        switch auth.credentialStyle {
        case .form:
            form.append("client_id=\(PathEncoding.encodeForm(auth.clientID))")
            form.append("client_secret=\(PathEncoding.encodeForm(auth.clientSecret.value))")
        case .basic:
            // RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
            let pair = "\(PathEncoding.encodeForm(auth.clientID)):\(PathEncoding.encodeForm(auth.clientSecret.value))"
            request.headers.add(name: "Authorization", value: "Basic \(Data(pair.utf8).base64EncodedString())")
        }
        let body = Array(form.joined(separator: "&").utf8)
        request.body = .bytes(ByteBuffer(bytes: body))
        debugLog?.request(method: .POST, url: auth.tokenURL, headers: request.headers, body: body)
        let started = ContinuousClock.now
        do {
            let response = try await httpClient.execute(request, timeout: configuration.timeout.request.timeAmount)
            let collected = try await response.body.collect(upTo: 1 << 20)
            let outcome = HTTPOutcome(status: Int(response.status.code), headers: response.headers, body: collected)
            debugLog?.response(method: .POST, url: auth.tokenURL, outcome: outcome, elapsed: .now - started)
            return .success(outcome)
        } catch {
            let failure = TransportFailure(classifying: error, proxied: proxy != nil)
            debugLog?.failure(method: .POST, url: auth.tokenURL, failure: failure, elapsed: .now - started)
            return .failure(failure)
        }
    }

    private func parse(_ outcome: HTTPOutcome) throws(CMOError) -> AccessToken {
        let json = try outcome.json(expecting: "a token response")
        guard let value = json["access_token"]?.stringValue, !value.isEmpty else {
            throw CMOError.unexpectedShape(expecting: "an object with access_token", got: json)
        }
        let lifetime: Duration
        if let seconds = json["expires_in"]?.doubleValue, seconds > 0 {
            lifetime = .milliseconds(Int64(seconds * 1000))
        } else {
            lifetime = .seconds(60)  // no lifetime given: assume a short one
        }
        logger.debug("access token received", metadata: ["expires_in": "\(lifetime.secondsDescription)"])
        return AccessToken(
            value: Secret(value), lifetime: lifetime, receivedAt: configuration.clock.now,
            expiresAtDate: configuration.clock.date.addingTimeInterval(lifetime.seconds))
    }
}
