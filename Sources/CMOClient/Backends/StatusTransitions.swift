/// Which status changes a backend allows: `from -> to` pairs. Asking for the status a SIM already has is always
/// allowed (nothing changes).
public struct StatusTransitions: Sendable, Equatable {
    /// The allowed targets of each status.
    public let allowed: [String: Set<String>]

    /// A table from `(from, to)` pairs.
    public init(_ pairs: [(from: String, to: String)]) {
        var allowed: [String: Set<String>] = [:]
        for pair in pairs { allowed[pair.from, default: []].insert(pair.to) }
        self.allowed = allowed
    }

    /// Whether a SIM in `current` may be changed to `target`.
    public func allows(from current: String, to target: String) -> Bool {
        current == target || allowed[current]?.contains(target) == true
    }

    /// The statuses a SIM in `current` may be changed to, sorted.
    public func targets(from current: String) -> [String] {
        (allowed[current] ?? []).sorted()
    }

    /// Why `current -> target` is refused, as the backend's problem would say it; nil when it is allowed.
    public func refusal(from current: String, to target: String) -> String? {
        guard !allows(from: current, to: target) else { return nil }
        let targets = self.targets(from: current)
        let options = targets.isEmpty ? "no change is allowed from \(current)" : "allowed: " + targets.joined(separator: ", ")
        return "the status cannot change from \(current) to \(target) (\(options))"
    }

    /// The state machine inferred from peers that document theirs (cmo-api-facts: "Inferred state machine"), the
    /// simulator's default: INACTIVE -> ACTIVE, ACTIVE <-> SUSPENDED, ACTIVE or SUSPENDED -> INACTIVE; BLOCKED is
    /// final.
    public static let inferred = StatusTransitions([
        ("INACTIVE", "ACTIVE"), ("ACTIVE", "SUSPENDED"), ("SUSPENDED", "ACTIVE"), ("ACTIVE", "INACTIVE"),
        ("SUSPENDED", "INACTIVE"),
    ])
}
