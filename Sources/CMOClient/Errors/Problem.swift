/// The problem body of an error response: RFC 7807 fields and TMF630's `code`/`reason`/`message`, whichever the
/// server sent.
public struct Problem: Sendable, Hashable {
    /// RFC 7807 `type` (the CMO API puts a phrase such as "Not Found" here).
    public var type: String?
    /// RFC 7807 `title`.
    public var title: String?
    /// RFC 7807 `detail`.
    public var detail: String?
    /// RFC 7807 `instance`.
    public var instance: String?
    /// The `status` field of the body, when present.
    public var status: Int?
    /// TMF630 `code`.
    public var code: String?
    /// TMF630 `reason`.
    public var reason: String?
    /// TMF630 `message`.
    public var message: String?
    /// `traceId` from the body.
    public var traceId: String?
    /// `correlationId` from the body.
    public var correlationId: String?
    /// The `errors` array of a 400: one entry per validation problem.
    public var errors: [ValidationError]
    /// OAuth's `error` code of a token endpoint's refusal, e.g. `invalid_client`.
    public var error: String?
    /// OAuth's `error_description`.
    public var errorDescription: String?

    /// One entry of a problem's `errors` array: an object with `field` (or `path`) and `message`, or a string.
    public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
        /// The field or JSON path the problem is about, when the server named one.
        public var field: String?
        /// What is wrong.
        public var message: String

        public init(field: String? = nil, message: String) {
            self.field = field
            self.message = message
        }

        /// Reads an entry: a string, or an object with `field`/`path`/`name` and `message`/`detail`/`reason`;
        /// any other object is shown as its JSON.
        init(json: JSONValue) {
            if let text = json.stringValue {
                self.init(message: text)
                return
            }
            func text(_ keys: String...) -> String? {
                for key in keys {
                    if let value = json[key]?.stringValue, !value.isEmpty { return value }
                }
                return nil
            }
            let field = text("field", "path", "name", "parameter")
            if let message = text("message", "detail", "reason", "description") {
                self.init(field: field, message: message)
            } else {
                self.init(field: field, message: json.serialized())
            }
        }

        /// `field: message`, or the message alone.
        public var description: String { field.map { "\($0): \(message)" } ?? message }
    }

    public init(
        type: String? = nil, title: String? = nil, detail: String? = nil, instance: String? = nil,
        status: Int? = nil, code: String? = nil, reason: String? = nil, message: String? = nil,
        traceId: String? = nil, correlationId: String? = nil, errors: [ValidationError] = [],
        error: String? = nil, errorDescription: String? = nil
    ) {
        self.type = type
        self.title = title
        self.detail = detail
        self.instance = instance
        self.status = status
        self.code = code
        self.reason = reason
        self.message = message
        self.traceId = traceId
        self.correlationId = correlationId
        self.errors = errors
        self.error = error
        self.errorDescription = errorDescription
    }

    /// Reads a problem from a JSON body; `nil` when the body is not an object with any problem field.
    public init?(json: JSONValue) {
        guard let object = json.objectValue else { return nil }
        func text(_ key: String) -> String? {
            switch object[key] {
            case .string(let value): value.isEmpty ? nil : value
            case .int(let value): String(value)
            default: nil
            }
        }
        self.init(
            type: text("type"), title: text("title"), detail: text("detail"), instance: text("instance"),
            status: object["status"]?.intValue.map(Int.init) ?? text("status").flatMap(Int.init),
            code: text("code"), reason: text("reason"), message: text("message"),
            traceId: text("traceId"), correlationId: text("correlationId"),
            errors: (object["errors"]?.arrayValue ?? []).map(ValidationError.init(json:)),
            error: text("error"), errorDescription: text("error_description")
        )
        if [type, title, detail, code, reason, message, error].allSatisfy({ $0 == nil }) && errors.isEmpty {
            return nil
        }
    }

    /// The most specific one-line headline: the title, else TMF's reason, else the type, else OAuth's error code.
    public var headline: String? { title ?? reason ?? type ?? error }

    /// The explanation: the detail, else TMF's message, else OAuth's error description.
    public var explanation: String? { detail ?? message ?? errorDescription }
}
