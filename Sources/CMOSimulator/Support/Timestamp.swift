#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Milliseconds since the Unix epoch, formatted the way the CMO API writes dates: `2020-05-20T14:24:49.697Z`.
///
/// Foundation does the calendar arithmetic (its ISO 8601 style and Gregorian calendar, neither of which needs ICU);
/// the milliseconds are appended by hand, because Foundation's fractional seconds are truncated from a `Double` and
/// come out one millisecond short for about half of all values.
enum Timestamp {
    private static let seconds = Date.ISO8601FormatStyle(timeZone: .gmt)

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// Formats epoch milliseconds as an ISO 8601 UTC timestamp with milliseconds.
    static func iso8601(millis: Int64) -> String {
        let (quotient, remainder) = millis.quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, milliseconds) = remainder < 0 ? (quotient - 1, remainder + 1000) : (quotient, remainder)
        // `2020-05-20T14:24:49Z`: whole seconds are exact in a `Double`.
        let text = seconds.format(Date(timeIntervalSince1970: Double(wholeSeconds)))
        let fraction = String(milliseconds)
        return text.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    /// Epoch milliseconds for a UTC calendar date and time.
    static func millis(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int64 {
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = utc.date(from: components) else { preconditionFailure("no such date \(components)") }
        return Int64(date.timeIntervalSince1970) * 1000
    }

    /// Epoch milliseconds of a timestamp in exactly the form ``iso8601(millis:)`` writes, or nil.
    static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
            bytes[19] == 46, bytes[23] == 90
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), let milli = number(20..<23),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        return millis(year: year, month: month, day: day, hour: hour, minute: minute, second: second) + Int64(milli)
    }
}
