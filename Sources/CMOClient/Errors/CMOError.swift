import Foundation

/// Every error `CMOClient` throws.
///
/// Switch on `kind`; read `status`, `problem`, `correlationId` and `traceId` for what the server said. The
/// `description` is short and safe for logs: it never holds a token or a secret.
public struct CMOError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a small extensible set compared with `==`.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case configuration, auth, http, network, timeout, outcomeUnknown, decoding, monitorFailed
            case monitorTimeout, cancelled, rateLimited
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// A setting is missing or invalid.
        public static let configuration = Kind(.configuration)
        /// The token endpoint refused the credentials, or the API answered 401 twice.
        public static let auth = Kind(.auth)
        /// The API answered with an error status.
        public static let http = Kind(.http)
        /// The connection failed, and retries did not help.
        public static let network = Kind(.network)
        /// A request timed out, and retries did not help.
        public static let timeout = Kind(.timeout)
        /// A change may or may not have been applied (the connection failed after it was sent); re-read to know.
        public static let outcomeUnknown = Kind(.outcomeUnknown)
        /// The server sent a body that is not what was expected.
        public static let decoding = Kind(.decoding)
        /// A monitor ended `InError`.
        public static let monitorFailed = Kind(.monitorFailed)
        /// A monitor was still in progress when the wait ran out.
        public static let monitorTimeout = Kind(.monitorTimeout)
        /// The task was cancelled.
        public static let cancelled = Kind(.cancelled)
        /// The API asked to wait (`Retry-After` of a 429 or 503) longer than the client may: see `retryAfter` and
        /// `retryAt`. Lua sees it as `rate_limited`.
        public static let rateLimited = Kind(.rateLimited)

        /// The name of the kind, such as `auth` or `outcomeUnknown`.
        public var description: String { code.rawValue }
    }

    /// What went wrong.
    public var kind: Kind
    /// A short, safe explanation.
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// Whether trying the same request again later may succeed.
    public var retryable: Bool
    /// How many attempts were made (0 when no request was sent).
    public var attempts: Int
    /// The rarely-set fields, boxed: every typed-throwing call reserves room for a `CMOError` in its caller's async
    /// frame, and a frame lives as long as the request waits, so the error is kept small.
    private var details: Details

    /// The parsed problem body, when the server sent one.
    public var problem: Problem? { get { self[\.problem] } set { self[\.problem] = newValue } }
    /// The correlation id of the failed response (header or body), for support requests.
    public var correlationId: String? { get { self[\.correlationId] } set { self[\.correlationId] = newValue } }
    /// The trace id of the failed response, when the server sent one.
    public var traceId: String? { get { self[\.traceId] } set { self[\.traceId] = newValue } }
    /// The monitor, for `monitorFailed` and `monitorTimeout`.
    public var monitor: Monitor? { get { self[\.monitor] } set { self[\.monitor] = newValue } }
    /// The request, as `METHOD path` without query or host, when the error is about one.
    public var request: String? { get { self[\.request] } set { self[\.request] = newValue } }
    /// For `rateLimited`: how long the API asked to wait, from when the error was made.
    public var retryAfter: Duration? { get { self[\.retryAfter] } set { self[\.retryAfter] = newValue } }
    /// For `rateLimited`: the wall-clock time after which the API may accept requests again.
    public var retryAt: Date? { get { self[\.retryAt] } set { self[\.retryAt] = newValue } }

    /// The boxed fields (immutable: a change makes a new box).
    private final class Details: Sendable {
        struct Fields {
            var problem: Problem?
            var correlationId: String?
            var traceId: String?
            var monitor: Monitor?
            var request: String?
            var retryAfter: Duration?
            var retryAt: Date?
        }

        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private subscript<Value>(_ field: WritableKeyPath<Details.Fields, Value>) -> Value {
        get { details.fields[keyPath: field] }
        set {
            var fields = details.fields
            fields[keyPath: field] = newValue
            details = Details(fields)
        }
    }

    init(
        kind: Kind, message: String, status: Int? = nil, problem: Problem? = nil, correlationId: String? = nil,
        traceId: String? = nil, retryable: Bool = false, attempts: Int = 0, monitor: Monitor? = nil,
        request: String? = nil, retryAfter: Duration? = nil, retryAt: Date? = nil
    ) {
        self.kind = kind
        self.message = message
        self.status = status
        self.retryable = retryable
        self.attempts = attempts
        details = Details(
            Details.Fields(
                problem: problem, correlationId: correlationId ?? problem?.correlationId,
                traceId: traceId ?? problem?.traceId, monitor: monitor, request: request,
                retryAfter: retryAfter, retryAt: retryAt))
    }

    /// The problem's title, or the message when the server sent no problem body; for `rateLimited`, the message
    /// (it says when to retry, which a 429's generic title does not).
    public var title: String { kind == .rateLimited ? message : problem?.headline ?? message }

    /// The problem's detail, when the server sent one.
    public var detail: String? { problem?.explanation }

    /// The problem's `type`.
    public var type: String? { problem?.type }

    public var description: String {
        var parts = ["\(kind): \(message)"]
        if let request { parts.append("request: \(request)") }
        if let status { parts.append("status: \(status)") }
        if let headline = problem?.headline, headline != message { parts.append("title: \(headline)") }
        if let detail { parts.append("detail: \(detail)") }
        if let correlationId { parts.append("correlationId: \(correlationId)") }
        if let traceId { parts.append("traceId: \(traceId)") }
        if attempts > 1 { parts.append("attempts: \(attempts)") }
        // One validation problem of a 400 per line, indented under the rest.
        let errors = problem?.errors ?? []
        return ([parts.joined(separator: "; ")] + errors.map { "  - \($0)" }).joined(separator: "\n")
    }

    /// Whether a person must change settings or credentials before trying again: a `configuration` error, or the
    /// token endpoint refusing the credentials (or the API refusing a fresh token). `cmo` exits 2 for these.
    public var isConfigurationProblem: Bool {
        kind == .configuration || (kind == .auth && !retryable)
    }
}
