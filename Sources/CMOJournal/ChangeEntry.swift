import Foundation
import GRDB

/// One change a run made or meant to make (table `change`): written before the PATCH is sent (`intent`), updated
/// when the server answers, and again when its monitor ends. Written with the statements of
/// `ChangeEntry+statements.swift`, read with GRDB's record decoding.
public struct ChangeEntry: Codable, Sendable, Equatable, FetchableRecord, TableRecord {
    public static let databaseTableName = "change"

    /// Where a change stands (see ``ChangeState``).
    public typealias State = ChangeState

    public var id: Int64?
    public var runID: String
    /// The first run of the chain (see ``RunEntry/rootID``): resumes look changes up by root and key.
    public var rootID: String
    /// Which call of the script this is: product id, operations and how many identical calls came before.
    public var key: String
    public var productID: String
    public var iccid: String?
    /// The JSON Patch operations, as JSON text.
    public var ops: String
    public var fromStatus: String?
    public var toStatus: String?
    public var async: Bool
    public var state: State
    /// When the intent was committed, and when the request went out (nil: never sent).
    public var intentAt: Date
    public var sentAt: Date?
    /// The HTTP status of the PATCH's answer (200, 202, or the error's), when one came.
    public var httpStatus: Int?
    public var monitorID: String?
    public var error: String?
    public var correlationID: String?
    public var endedAt: Date?

    public init(
        runID: String, rootID: String, key: String, productID: String, iccid: String? = nil, ops: String,
        fromStatus: String? = nil, toStatus: String? = nil, async: Bool = false, state: State = .intent,
        intentAt: Date = Date()
    ) {
        self.runID = runID
        self.rootID = rootID
        self.key = key
        self.productID = productID
        self.iccid = iccid
        self.ops = ops
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.async = async
        self.state = state
        self.intentAt = intentAt
    }

    enum CodingKeys: String, CodingKey {
        case id, runID = "run_id", rootID = "root_id", key, productID = "product_id", iccid, ops
        case fromStatus = "from_status", toStatus = "to_status", async, state, intentAt = "intent_at"
        case sentAt = "sent_at", httpStatus = "http_status", monitorID = "monitor_id", error
        case correlationID = "correlation_id", endedAt = "ended_at"
    }
}
