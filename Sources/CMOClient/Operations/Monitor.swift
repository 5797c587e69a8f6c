import Foundation

/// The tracker of an asynchronous change (`GET monitor/{id}`).
public struct Monitor: Sendable, Hashable {
    /// The monitor's state (TMF630: `InProgress`, `Completed`, `InError`).
    public enum State: Sendable, Hashable, CustomStringConvertible {
        case inProgress
        case completed
        case inError
        /// A state this client does not know, kept verbatim (treated as still in progress).
        case other(String)

        /// Reads a state name, leniently (`InProgress`, `in_progress`, `pending`, ... all mean in progress).
        public init(rawValue: String) {
            switch rawValue.lowercased() {
            case "inprogress", "in_progress", "pending", "acknowledged": self = .inProgress
            case "completed", "done", "succeeded": self = .completed
            case "inerror", "in_error", "failed", "error": self = .inError
            default: self = .other(rawValue)
            }
        }

        public var description: String {
            switch self {
            case .inProgress: "InProgress"
            case .completed: "Completed"
            case .inError: "InError"
            case .other(let raw): raw
            }
        }

        /// Whether the monitor has finished, well or badly.
        public var isFinal: Bool { self == .completed || self == .inError }
    }

    /// The monitor id (`<ICCID>-<epoch millis>` on the real service).
    public var id: String
    /// The monitor's URL, when the server gave it.
    public var href: String?
    /// The URL of the sub-product being changed.
    public var sourceHref: String?
    /// The state; `.inProgress` when the server has not said.
    public var state: State
    /// The whole monitor as the server sent it.
    public var json: JSONValue

    public init(id: String, href: String? = nil, sourceHref: String? = nil, state: State, json: JSONValue = .null) {
        self.id = id
        self.href = href
        self.sourceHref = sourceHref
        self.state = state
        self.json = json
    }

    /// Reads a monitor from its JSON; the id falls back to the last path segment of `href`.
    public init(json: JSONValue) throws(CMOError) {
        guard let object = json.objectValue else {
            throw CMOError.unexpectedShape(expecting: "a monitor object", got: json)
        }
        let href = object["href"]?.stringValue
        guard let id = object["id"]?.stringValue ?? href.flatMap(Self.id(fromLink:)) else {
            throw CMOError.unexpectedShape(expecting: "a monitor with an id or href", got: json)
        }
        self.init(
            id: id, href: href, sourceHref: object["sourceHref"]?.stringValue,
            state: object["state"]?.stringValue.map(State.init(rawValue:)) ?? .inProgress, json: json)
    }

    /// The id in a monitor link such as `https://host/.../eos/monitor/8949...-1686...` (or `<...>` around it).
    public static func id(fromLink link: String) -> String? {
        var trimmed = link.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        if let query = trimmed.firstIndex(of: "?") { trimmed = String(trimmed[..<query]) }
        guard let range = trimmed.range(of: "/monitor/") else { return nil }
        let id = trimmed[range.upperBound...].split(separator: "/").first.map(String.init)
        return id?.isEmpty == false ? id : nil
    }

    /// The reason an `InError` monitor gives: the first of the response body's problem detail, reason or message,
    /// or the monitor's own `reason`/`errorMessage`/`message`.
    public var errorReason: String? {
        if let problem, let text = problem.explanation ?? problem.headline { return text }
        for key in ["reason", "errorMessage", "error", "message", "detail", "statusMessage"] {
            if let text = json[key]?.stringValue, !text.isEmpty { return text }
        }
        if let status = json["response"]?["statusCode"]?.intValue { return "response status \(status)" }
        return nil
    }

    /// The problem in the monitor's `response.body`, if any.
    public var problem: Problem? {
        (json["response"]?["body"]).flatMap(Problem.init(json:)) ?? json["error"].flatMap(Problem.init(json:))
    }
}
