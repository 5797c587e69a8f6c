import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error (`--log-format json`), encoded by
/// Foundation's `JSONSerialization`:
///
/// ```json
/// {"job":"nightly","label":"cmo.schedule","level":"info","message":"run ended","run_id":"20261202-041500-3fa9","time":"2026-12-02T04:15:01.234Z","exit_code":"0"}
/// ```
///
/// `time` is RFC 3339 in UTC with milliseconds; `run_id` and `job` come from the `run`/`run_id` and `job` metadata
/// when a logger carries them; every other metadata key is a field of its own (a key that would shadow `time`,
/// `level`, `label` or `message` is written as `metadata.KEY`). Keys are sorted, so lines are stable.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// Writes one line (with its newline); standard error by default.
    let write: @Sendable (String) -> Void

    init(label: String, write: @escaping @Sendable (String) -> Void = { FileOutput.standardError.write($0) }) {
        self.label = label
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        write(Self.line(
            time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    private static let reserved: Set<String> = ["time", "level", "label", "message", "run_id", "job"]

    /// One JSON line (with its newline).
    static func line(
        time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var object: [String: Any] = [
            "time": time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "level": level.rawValue, "label": label, "message": message,
        ]
        if let run = metadata["run_id"] ?? metadata["run"] { object["run_id"] = json(run) }
        if let job = metadata["job"] { object["job"] = json(job) }
        for (key, value) in metadata where key != "run" && key != "run_id" && key != "job" {
            object[reserved.contains(key) ? "metadata.\(key)" : key] = json(value)
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"level":"error","message":"a log line could not be encoded"}"#.utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A metadata value as JSON: strings, arrays and objects as such.
    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let entries): entries.mapValues(json)
        }
    }
}
