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

    public init(
        type: String? = nil, title: String? = nil, detail: String? = nil, instance: String? = nil,
        status: Int? = nil, code: String? = nil, reason: String? = nil, message: String? = nil,
        traceId: String? = nil, correlationId: String? = nil
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
            traceId: text("traceId"), correlationId: text("correlationId")
        )
        if [type, title, detail, code, reason, message].allSatisfy({ $0 == nil }) { return nil }
    }

    /// The most specific one-line headline: the title, else TMF's reason, else the type.
    public var headline: String? { title ?? reason ?? type }

    /// The explanation: the detail, else TMF's message.
    public var explanation: String? { detail ?? message }
}
