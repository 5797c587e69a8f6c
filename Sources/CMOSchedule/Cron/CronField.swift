/// One of the five fields of a cron expression, with its allowed range and names.
public enum CronField: Int, Sendable, CaseIterable, CustomStringConvertible {
    case minute
    case hour
    case dayOfMonth
    case month
    case dayOfWeek

    /// The field's name as it appears in error messages (`day of week`).
    public var description: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day of month"
        case .month: "month"
        case .dayOfWeek: "day of week"
        }
    }

    /// The values a field accepts; day of week accepts 7 as a second Sunday.
    var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Upper-cased names and their values, for the month and day-of-week fields.
    var names: [String: Int] {
        switch self {
        case .month:
            [
                "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
                "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
            ]
        case .dayOfWeek:
            ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
        default:
            [:]
        }
    }
}
