import ArgumentParser

/// How `cmo run` and `cmo schedule` write their log lines on stderr (`--log-format`, `CMO_LOG_FORMAT`).
enum LogFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// swift-log's text lines: `2026-12-02T04:15:00+0000 info cmo: key=value [module] message`.
    case text
    /// One JSON object per line (see ``JSONLogHandler``).
    case json
}
