/// The state machine for status changes: which target statuses may follow which, and the pending status an
/// asynchronous backend shows while its monitor runs.
///
/// The real service does not document its transitions; the default table is inferred from peers that do
/// (emnify, Twilio Super SIM), so it is configurable.
public struct StatusTransitionTable: Sendable, Equatable {
    /// One allowed change.
    public struct Transition: Sendable, Equatable, Hashable {
        public var from: String
        public var to: String
        /// The status shown while an asynchronous change is in progress, e.g. `PENDING_ACTIVE`.
        public var pending: String

        public init(from: String, to: String, pending: String) {
            self.from = from
            self.to = to
            self.pending = pending
        }
    }

    /// The outcome of checking a requested change.
    public enum Verdict: Sendable, Equatable {
        /// The product already has this status: accepted, nothing changes.
        case unchanged
        /// The change is allowed; asynchronous backends show `pending` until it completes.
        case allowed(pending: String)
        /// The target status exists but this change is not allowed (422).
        case forbidden
        /// The target status is not one a client may ask for (422).
        case unknownStatus
    }

    /// Every allowed change.
    public var transitions: [Transition]
    /// Statuses a client may request (targets of at least one transition, plus the current status).
    public var requestableStatuses: Set<String>

    /// Creates a table from a list of allowed changes.
    public init(transitions: [Transition]) {
        self.transitions = transitions
        self.requestableStatuses = Set(transitions.map(\.to))
        self.index = Dictionary(transitions.map { ("\($0.from)>\($0.to)", $0.pending) }, uniquingKeysWith: { a, _ in a })
    }

    /// The inferred default: INACTIVE→ACTIVE, ACTIVE⇄SUSPENDED, ACTIVE/SUSPENDED→INACTIVE; BLOCKED is final.
    public static let `default` = StatusTransitionTable(transitions: [
        Transition(from: "INACTIVE", to: "ACTIVE", pending: "PENDING_ACTIVE"),
        Transition(from: "ACTIVE", to: "SUSPENDED", pending: "PENDING_SUSPENDED"),
        Transition(from: "SUSPENDED", to: "ACTIVE", pending: "PENDING_ACTIVE"),
        Transition(from: "ACTIVE", to: "INACTIVE", pending: "PENDING_INACTIVE"),
        Transition(from: "SUSPENDED", to: "INACTIVE", pending: "PENDING_INACTIVE"),
    ])

    /// Checks a change from `current` to `target`.
    public func verdict(from current: String, to target: String) -> Verdict {
        if current == target { return .unchanged }
        if let pending = index["\(current)>\(target)"] { return .allowed(pending: pending) }
        return requestableStatuses.contains(target) ? .forbidden : .unknownStatus
    }

    private let index: [String: String]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.transitions == rhs.transitions
    }
}
