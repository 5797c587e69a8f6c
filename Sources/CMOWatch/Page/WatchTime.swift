import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Times on the status page: `2026-12-02 06:00:00 +01:00` on a job's clock, or UTC. Formatted with `gmtime_r`
/// (ICU's formatters cost megabytes of RSS in a daemon that should stay small).
enum WatchTime {
    /// `date` on the wall clock of `zone` (UTC when nil), with its offset.
    static func text(_ date: Date, in zone: TimeZone? = nil) -> String {
        let offset = zone?.secondsFromGMT(for: date) ?? 0
        var seconds = time_t((date.timeIntervalSince1970 + Double(offset)).rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let sign = offset < 0 ? "-" : "+"
        let zoneText = zone == nil ? "UTC" : "\(sign)\(pad(Int32(abs(offset) / 3600))):\(pad(Int32(abs(offset) % 3600 / 60)))"
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) \(zoneText)"
    }

    /// `12.3 s`, `4 min 05 s`, `2 h 03 min`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3_600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3_600, whole % 3_600 / 60)
    }
}
