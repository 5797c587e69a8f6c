import ArgumentParser
import Foundation

/// `--log-format text|json`, shared by `cmo run` and `cmo schedule`.
struct LogFormatOptions: ParsableArguments {
    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "Log lines on stderr as text or json (one JSON object per line; default: $CMO_LOG_FORMAT, else text).",
            valueName: "text|json"))
    var format: LogFormat?

    /// `--log-format`, else `CMO_LOG_FORMAT`, else text.
    var resolved: LogFormat {
        format ?? ProcessInfo.processInfo.environment["CMO_LOG_FORMAT"].flatMap(LogFormat.init(rawValue:)) ?? .text
    }

    func validate() throws {
        if format == nil, let value = ProcessInfo.processInfo.environment["CMO_LOG_FORMAT"], LogFormat(rawValue: value) == nil {
            throw ValidationError("CMO_LOG_FORMAT must be text or json, got '\(value)'")
        }
    }
}
