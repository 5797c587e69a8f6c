import ArgumentParser
import CMOClient

/// Prints a `CMOError` for people (title, detail, correlation id) and picks the exit code.
enum ErrorReport {
    /// Prints `error` on stderr and returns the exit code for it.
    static func report(_ error: CMOError) -> ExitCode {
        StandardStreams.err(lines(for: error).joined(separator: "\n"))
        return error.kind == .configuration ? CommandExit.usage : CommandExit.failure
    }

    /// The lines printed for `error`.
    static func lines(for error: CMOError) -> [String] {
        var lines = ["error: \(error.title)"]
        if error.problem != nil, error.title != error.message { lines.append("  \(error.message)") }
        if let detail = error.detail { lines.append("  detail: \(detail)") }
        if let status = error.status { lines.append("  status: \(status)") }
        if let correlationId = error.correlationId { lines.append("  correlation id: \(correlationId)") }
        if let traceId = error.traceId { lines.append("  trace id: \(traceId)") }
        if let monitor = error.monitor { lines.append("  monitor: \(monitor.id) (\(monitor.state))") }
        if error.attempts > 1 { lines.append("  attempts: \(error.attempts)") }
        return lines
    }
}
