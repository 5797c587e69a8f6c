/// The state of an asynchronous change, as `GET monitor/{id}` reports it (TMF630's monitor pattern).
public enum MonitorState: String, Sendable, Codable {
    case inProgress = "InProgress"
    case completed = "Completed"
    case inError = "InError"
}

/// An asynchronous status change being carried out by a backend.
struct Monitor: Sendable, Codable, Equatable {
    /// `<ICCID or terminal SN>-<epoch millis>`.
    var id: String
    var productID: String
    var subProductID: String
    var state: MonitorState
    var operations: [StoredOperation]
    var createdAt: Int64
    var dueAt: Int64
    var completedAt: Int64?
    var previousStatus: String
    var targetStatus: String
    var previousNotes: String
    /// Decided when the change is accepted (seeded), revealed when it is due.
    var willFail: Bool
    var reason: String?

    /// An operation kept for the monitor's `request` echo.
    struct StoredOperation: Sendable, Codable, Equatable {
        var op: String
        var path: String
        var value: String
    }
}

extension Monitor.StoredOperation {
    init(_ operation: PatchOperation) {
        self.init(op: operation.kind.rawValue, path: "/" + operation.field.rawValue, value: operation.value)
    }
}
