import Logging

extension Logger {
    /// A logger writing to standard error at `level`: every command's own.
    static func standardError(_ label: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }
}
