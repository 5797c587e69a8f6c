/// Which status changes a backend allows: `from -> to` pairs, each with the status an asynchronous backend shows
/// while the change is in progress. Asking for the status a SIM already has is always allowed (nothing changes).
public struct StatusTransitions: Sendable, Equatable {
    /// One allowed change.
    public struct Transition: Sendable, Equatable, Hashable {
        public var from: String
        public var to: String
        /// The status shown while an asynchronous change is in progress, e.g. `PENDING_ACTIVE`.
        public var pending: String

        public init(from: String, to: String, pending: String? = nil) {
            self.from = from
            self.to = to
            self.pending = pending ?? StatusTransitions.pendingStatus(for: to)
        }
    }

    /// Every allowed change, in the order given.
    public let transitions: [Transition]
    /// The allowed targets of each status.
    public let allowed: [String: Set<String>]

    /// A table from its transitions.
    public init(_ transitions: [Transition]) {
        self.transitions = transitions
        var allowed: [String: Set<String>] = [:]
        for transition in transitions { allowed[transition.from, default: []].insert(transition.to) }
        self.allowed = allowed
    }

    /// A table from `(from, to)` pairs, with the default pending statuses.
    public init(_ pairs: [(from: String, to: String)]) {
        self.init(pairs.map { Transition(from: $0.from, to: $0.to) })
    }

    /// Every change between the given statuses (a backend that allows all, like Jasper).
    public static func all(among statuses: [String]) -> StatusTransitions {
        StatusTransitions(statuses.flatMap { from in statuses.filter { $0 != from }.map { Transition(from: from, to: $0) } })
    }

    /// Whether a SIM in `current` may be changed to `target`.
    public func allows(from current: String, to target: String) -> Bool {
        current == target || allowed[current]?.contains(target) == true
    }

    /// The statuses a SIM in `current` may be changed to, sorted.
    public func targets(from current: String) -> [String] {
        (allowed[current] ?? []).sorted()
    }

    /// The status an asynchronous change `current -> target` shows until it completes; nil when not allowed.
    public func pending(from current: String, to target: String) -> String? {
        transitions.first { $0.from == current && $0.to == target }?.pending
    }

    /// Why `current -> target` is refused, as the backend's problem would say it; nil when it is allowed.
    public func refusal(from current: String, to target: String) -> String? {
        guard !allows(from: current, to: target) else { return nil }
        let targets = self.targets(from: current)
        let options = targets.isEmpty ? "no change is allowed from \(current)" : "allowed: " + targets.joined(separator: ", ")
        return "the status cannot change from \(current) to \(target) (\(options))"
    }

    /// The pending status of a change to `target` by convention: `PENDING_ACTIVE`, `PENDING_TERMINATE` (for
    /// TERMINATED), `PENDING_SUSPENDED`, ...
    public static func pendingStatus(for target: String) -> String {
        target == "TERMINATED" ? "PENDING_TERMINATE" : "PENDING_" + target
    }

    /// Every status the API is known to use (TMF637 and the T IoT Hub pages), in lifecycle order.
    public static let statuses = [
        "CREATED", "INVENTORY", "INACTIVE", "PENDING_ACTIVE", "ACTIVE", "SUSPENDED", "BLOCKED", "PENDING_TERMINATE",
        "TERMINATED",
    ]

    /// The state machine inferred from peers that document theirs (cmo-api-facts: "Inferred state machine"), for
    /// backends whose own is not published: INACTIVE -> ACTIVE, ACTIVE <-> SUSPENDED, ACTIVE or SUSPENDED ->
    /// INACTIVE, ACTIVE or SUSPENDED -> TERMINATED; BLOCKED and TERMINATED are final.
    public static let inferred = StatusTransitions([
        ("INACTIVE", "ACTIVE"), ("ACTIVE", "SUSPENDED"), ("SUSPENDED", "ACTIVE"), ("ACTIVE", "INACTIVE"),
        ("SUSPENDED", "INACTIVE"), ("ACTIVE", "TERMINATED"), ("SUSPENDED", "TERMINATED"),
    ])

    /// Jasper (Cisco IoT Control Center) allows every transition among the statuses a customer may set.
    public static let jasper = StatusTransitions.all(among: [
        "CREATED", "INVENTORY", "INACTIVE", "ACTIVE", "SUSPENDED", "PENDING_TERMINATE", "TERMINATED",
    ])

    /// T-Mobile US (documented): CREATED -> ACTIVE, ACTIVE -> SUSPENDED or PENDING_TERMINATE, SUSPENDED ->
    /// ACTIVE; plus INACTIVE -> ACTIVE, which the tutorial shows.
    public static let tmus = StatusTransitions([
        ("CREATED", "ACTIVE"), ("INACTIVE", "ACTIVE"), ("ACTIVE", "SUSPENDED"), ("ACTIVE", "PENDING_TERMINATE"),
        ("SUSPENDED", "ACTIVE"),
    ])

    /// TMSP (documented): ACTIVE <-> SUSPENDED; plus INACTIVE -> ACTIVE, which the tutorial shows.
    public static let tmsp = StatusTransitions([("INACTIVE", "ACTIVE"), ("ACTIVE", "SUSPENDED"), ("SUSPENDED", "ACTIVE")])

    /// 1NCE (documented): ACTIVE <-> SUSPENDED only.
    public static let oneNCE = StatusTransitions([("ACTIVE", "SUSPENDED"), ("SUSPENDED", "ACTIVE")])
}
