import Logging

extension Logger {
    /// A logger writing to standard error at `level`, as text lines or JSON lines: every command's own.
    static func standardError(_ label: String, level: Logger.Level, format: LogFormat = .text) -> Logger {
        var logger =
            switch format {
            case .text: Logger(label: label) { StreamLogHandler.standardError(label: $0) }
            case .json: Logger(label: label) { JSONLogHandler(label: $0) }
            }
        logger.logLevel = level
        return logger
    }
}
