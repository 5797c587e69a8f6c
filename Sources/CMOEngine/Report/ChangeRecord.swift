import CMOJournal
import Foundation

/// One change a script made (or would have made): what, from and to what, how it ended.
public struct ChangeRecord: Sendable, Codable, Equatable {
    /// How a change ended: the journal's vocabulary (a record is never `intent`).
    public typealias Outcome = ChangeState

    /// The product id the script named.
    public var productID: String
    /// The SIM's ICCID, when known.
    public var iccid: String?
    /// The status before, when known.
    public var from: String?
    /// The status asked for (`nil` for a patch that changes no status).
    public var to: String?
    /// The JSON Patch operations, as text.
    public var ops: String
    /// Whether the backend answered asynchronously (202 and a monitor).
    public var async: Bool
    /// The monitor's id, for async changes.
    public var monitorID: String?
    public var outcome: Outcome
    /// Why it failed, for failures: kind and message.
    public var error: String?
    /// The failed response's correlation id, for support.
    public var correlationID: String?
    /// When the change started and how long it took, in seconds.
    public var startedAt: Date
    public var seconds: Double
    /// Whether a resumed run took this outcome from the journal instead of asking the server.
    public var replayed: Bool

    public init(
        productID: String, iccid: String? = nil, from: String? = nil, to: String? = nil, ops: String,
        async: Bool = false, monitorID: String? = nil, outcome: Outcome, error: String? = nil,
        correlationID: String? = nil, startedAt: Date, seconds: Double, replayed: Bool = false
    ) {
        self.productID = productID
        self.iccid = iccid
        self.from = from
        self.to = to
        self.ops = ops
        self.async = async
        self.monitorID = monitorID
        self.outcome = outcome
        self.error = error
        self.correlationID = correlationID
        self.startedAt = startedAt
        self.seconds = seconds
        self.replayed = replayed
    }

    enum CodingKeys: String, CodingKey {
        case productID = "product_id", iccid, from, to, ops, async, monitorID = "monitor_id", outcome, error
        case correlationID = "correlation_id", startedAt = "started_at", seconds, replayed
    }

    /// `ICCID 8949... ACTIVE -> SUSPENDED (would change)`, the report's line for this change.
    public var line: String {
        let subject = iccid.map { "ICCID \($0)" } ?? productID
        let transition = "\(from ?? "?") -> \(to ?? "?")"
        let what = outcome.label
        var text = "\(subject) \(transition) (\(what)\(replayed ? ", from the journal" : ""))"
        if let error { text += ": \(error)" }
        if let correlationID { text += " [correlation id \(correlationID)]" }
        return text
    }
}
