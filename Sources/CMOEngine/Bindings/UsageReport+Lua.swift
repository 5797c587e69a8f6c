import CMOClient
import LuaKit

extension UsageReport {
    /// `cmo.usage`'s flat table: `id`, `period_start`, `period_end`, `data_bytes`, `data_limit_bytes`, `sms`,
    /// `voice_seconds`, and the last day's `last_day_data_bytes`, `last_day_sms`, `last_day_voice_seconds`. A figure
    /// the backend does not report is absent (nil).
    var luaValue: LuaValue {
        var fields: [String: LuaValue] = ["id": .string(id)]
        if let periodStart { fields["period_start"] = .string(periodStart) }
        if let periodEnd { fields["period_end"] = .string(periodEnd) }
        for (prefix, figures) in [("", period), ("last_day_", lastDay)] {
            if let value = figures.dataBytes { fields[prefix + "data_bytes"] = .integer(value) }
            if let value = figures.dataLimitBytes { fields[prefix + "data_limit_bytes"] = .integer(value) }
            if let value = figures.sms { fields[prefix + "sms"] = .integer(value) }
            if let value = figures.voiceSeconds { fields[prefix + "voice_seconds"] = .integer(value) }
        }
        return .object(fields)
    }
}
