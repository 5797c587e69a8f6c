import Foundation

/// How schedule times are shown: the job's wall clock with its offset.
enum ScheduleText {
    /// `2026-11-28 02:30 +01:00 (Europe/Berlin)`.
    static func time(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let text = String(
            format: "%04d-%02d-%02d %02d:%02d %@%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
        return "\(text) (\(name(of: zone)))"
    }

    /// The zone's IANA name; UTC for UTC (Foundation calls it GMT).
    static func name(of zone: TimeZone) -> String {
        zone.identifier == "GMT" ? "UTC" : zone.identifier
    }
}
