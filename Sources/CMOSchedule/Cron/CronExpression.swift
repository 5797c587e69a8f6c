import Foundation

/// A standard five-field cron expression (`minute hour day-of-month month day-of-week`) or one of
/// the macros `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`.
///
/// Each field accepts `*`, numbers, lists (`1,5,9`), ranges (`1-5`), steps (`*/15`, `10-50/10`,
/// and `5/15` meaning `5-max/15`). Months accept `JAN`–`DEC` and days of the week `SUN`–`SAT`
/// (case-insensitive, also in ranges); day of week 7 is Sunday, like 0.
///
/// When both day of month and day of week are restricted (neither starts with `*`), a day
/// matches when either matches, as in Vixie cron: `0 0 1 * MON` fires on the 1st and on Mondays.
///
/// Fire times are computed by ``nextFire(after:in:)``; see there for daylight-saving rules.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written (trimmed), for display.
    public let description: String

    let minutes: CronValueSet
    let hours: CronValueSet
    let daysOfMonth: CronValueSet
    let months: CronValueSet
    let daysOfWeek: CronValueSet

    /// Parses `text`.
    ///
    /// - Throws: ``CronExpressionError`` naming the field and the problem, e.g.
    ///   `minute: 61 is out of range 0-59` or `expected 5 fields, got 4`.
    public init(_ text: String) throws(CronExpressionError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var source = trimmed
        if trimmed.hasPrefix("@") {
            guard let expanded = Self.macros[trimmed.lowercased()] else {
                throw .unknownMacro(trimmed)
            }
            source = expanded
        }
        let parts = source.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else { throw .fieldCount(parts.count) }
        description = trimmed
        minutes = try Self.parseField(parts[0], as: .minute)
        hours = try Self.parseField(parts[1], as: .hour)
        daysOfMonth = try Self.parseField(parts[2], as: .dayOfMonth)
        months = try Self.parseField(parts[3], as: .month)
        daysOfWeek = try Self.parseField(parts[4], as: .dayOfWeek)
    }

    /// Whether the hour field starts with `*` (`*`, `*/2`). Such jobs follow elapsed time across
    /// daylight-saving changes: they fire in both copies of a repeated hour and not at all for
    /// wall times skipped by a gap.
    public var followsElapsedTime: Bool { hours.isWildcard }

    static let macros: [String: String] = [
        "@hourly": "0 * * * *",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *",
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
    ]
}
