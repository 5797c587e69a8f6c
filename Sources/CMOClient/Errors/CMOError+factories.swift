import Foundation

extension CMOError {
    /// A setting is missing: names it and the three ways to give it.
    static func missingSetting(_ setting: Setting, profile: String, configPath: String) -> CMOError {
        CMOError(
            kind: .configuration,
            message: "missing setting '\(setting.key)': pass \(setting.flag), set \(setting.environmentVariable), "
                + "or add \(setting.key) to profile '\(profile)' in \(configPath)"
        )
    }

    /// A setting is present but unusable.
    static func invalidSetting(_ name: String, _ reason: String) -> CMOError {
        CMOError(kind: .configuration, message: "invalid setting '\(name)': \(reason)")
    }

    /// The configuration file could not be read or parsed.
    static func configurationFile(_ path: String, _ reason: String) -> CMOError {
        CMOError(kind: .configuration, message: "cannot use configuration file \(path): \(reason)")
    }

    /// The token endpoint refused the credentials: OAuth's `error` code and its `error_description`
    /// (`invalid_client: Invalid client credentials`), else what a problem body says.
    static func tokenRejected(
        status: Int, problem: Problem?, attempts: Int, correlationId: String? = nil
    ) -> CMOError {
        let reason: String
        if let code = problem?.error {
            reason = [code, problem?.errorDescription].compactMap { $0 }.joined(separator: ": ")
        } else {
            reason = problem?.explanation ?? problem?.headline ?? "the token endpoint answered \(status)"
        }
        return CMOError(
            kind: .auth, message: "token request rejected: \(reason)", status: status, problem: problem,
            correlationId: correlationId, attempts: attempts, request: "POST token"
        )
    }

    /// The API rejected a freshly fetched token too.
    static func unauthorized(request: String, response: HTTPOutcome, attempts: Int) -> CMOError {
        CMOError(
            kind: .auth, message: "the API rejected a fresh access token (401)", status: 401,
            problem: response.problem, correlationId: response.correlationId, traceId: response.traceId,
            attempts: attempts, request: request
        )
    }

    /// The API answered with an error status.
    static func http(request: String, response: HTTPOutcome, retryable: Bool, attempts: Int) -> CMOError {
        CMOError(
            kind: .http, message: "\(request) failed with HTTP \(response.status)", status: response.status,
            problem: response.problem, correlationId: response.correlationId, traceId: response.traceId,
            retryable: retryable, attempts: attempts, request: request
        )
    }

    /// The API asked to wait longer than `--max-retry-wait` allows (`Retry-After` of a 429 or 503, or a wait
    /// learned from an earlier one): the request fails at once instead of sleeping silently.
    static func rateLimited(
        request: String, retryAfter: Duration, maximumWait: Duration, response: HTTPOutcome?, attempts: Int,
        now: Date = Date()
    ) -> CMOError {
        let retryAt = now.addingTimeInterval(retryAfter.seconds)
        let seconds = Int64(retryAfter.seconds.rounded(.up))
        let formatter = ISO8601DateFormatter()
        return CMOError(
            kind: .rateLimited,
            message: "rate limited by the API: retry after \(seconds) s (at \(formatter.string(from: retryAt))); "
                + "--max-retry-wait is \(Int64(maximumWait.seconds.rounded())) s",
            status: response?.status, problem: response?.problem, correlationId: response?.correlationId,
            traceId: response?.traceId, retryable: true, attempts: attempts, request: request,
            retryAfter: retryAfter, retryAt: retryAt)
    }

    /// The transport failed and retries ran out (or the request was not safe to retry).
    static func transport(_ failure: TransportFailure, request: String, attempts: Int) -> CMOError {
        CMOError(
            kind: failure.isTimeout ? .timeout : .network, message: "\(request): \(failure.summary)",
            retryable: true, attempts: attempts, request: request
        )
    }

    /// A change was sent but no answer came back.
    static func outcomeUnknown(request: String, reason: String, attempts: Int) -> CMOError {
        CMOError(
            kind: .outcomeUnknown,
            message: "\(request): \(reason); the change may or may not have been applied, re-read the product",
            retryable: false, attempts: attempts, request: request
        )
    }

    /// The server sent JSON that could not be parsed.
    static func malformedJSON(expecting: String, failure: JSONParser.Failure, document: [UInt8]) -> CMOError {
        CMOError(
            kind: .decoding,
            message: "malformed JSON: expected \(failure.expected) at byte \(failure.offset) of \(expecting) "
                + "(near \(Redactor.excerpt(of: document, around: failure.offset)))"
        )
    }

    /// The server sent valid JSON of the wrong shape.
    static func unexpectedShape(expecting: String, got value: JSONValue) -> CMOError {
        CMOError(
            kind: .decoding,
            message: "unexpected response: expected \(expecting), got \(value.typeName) "
                + "(\(Redactor.excerpt(of: Redactor.redact(json: value).serializedBytes(), around: 0)))"
        )
    }

    /// A monitor ended in error.
    static func monitorFailed(_ monitor: Monitor) -> CMOError {
        CMOError(
            kind: .monitorFailed,
            message: "monitor \(monitor.id) ended InError: \(monitor.errorReason ?? "no reason given")",
            problem: monitor.problem, retryable: false, monitor: monitor
        )
    }

    /// A monitor did not finish in time.
    static func monitorTimedOut(_ monitor: Monitor, after timeout: Duration) -> CMOError {
        CMOError(
            kind: .monitorTimeout,
            message: "monitor \(monitor.id) still \(monitor.state) after \(timeout.secondsDescription)",
            retryable: true, monitor: monitor
        )
    }

    /// The task was cancelled while waiting.
    static func cancelled(_ what: String) -> CMOError {
        CMOError(kind: .cancelled, message: "cancelled while \(what)")
    }
}
