/// The set of values one cron field matches, as a bit set (bit `n` set means value `n` matches).
struct CronValueSet: Sendable, Equatable {
    private(set) var bits: UInt64 = 0

    /// Whether the field was written starting with `*` (`*` or `*/15`), which matters for the
    /// Vixie day rule and for daylight-saving handling.
    var isWildcard = false

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    mutating func insert(_ value: Int) {
        bits |= 1 << UInt64(value)
    }

    /// The smallest member that is at least `value`, or nil when there is none.
    func first(atLeast value: Int) -> Int? {
        guard value < 64 else { return nil }
        let masked = bits & (UInt64.max << UInt64(max(value, 0)))
        return masked == 0 ? nil : masked.trailingZeroBitCount
    }
}
