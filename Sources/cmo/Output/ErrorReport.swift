import ArgumentParser
import CMOClient
import CMOEngine

/// Prints a `CMOError` for people (title, detail, correlation id) and picks the exit code.
enum ErrorReport {
    /// Prints `error` on stderr and returns the exit for it: 2 for a configuration problem (a setting, or
    /// credentials the token endpoint refuses), else 1.
    static func report(_ error: CMOError) -> ExitCode {
        StandardStreams.err(lines(for: error).joined(separator: "\n"))
        return ExitCode(error.isConfigurationProblem ? CMOExitCode.usage : .failure)
    }

    /// The lines printed for `error`: the message, then what the server said.
    static func lines(for error: CMOError) -> [String] {
        var lines = ["error: \(error.message)"]
        if let problem = error.problem {
            if let title = problem.headline, !error.message.contains(title) { lines.append("  title: \(title)") }
            if let type = problem.type, type != problem.headline { lines.append("  type: \(type)") }
        }
        if let detail = error.detail, !error.message.hasSuffix(detail) { lines.append("  detail: \(detail)") }
        if let errors = error.problem?.errors, !errors.isEmpty {
            lines.append("  errors:")
            lines += errors.map { "    \($0)" }
        }
        if let correlationId = error.correlationId { lines.append("  correlation id: \(correlationId)") }
        if let traceId = error.traceId { lines.append("  trace id: \(traceId)") }
        if let monitor = error.monitor { lines.append("  monitor: \(monitor.id) (\(monitor.state))") }
        if error.attempts > 1 { lines.append("  attempts: \(error.attempts)") }
        return lines
    }

    /// Prints a usage mistake found after parsing and returns exit 2.
    static func usage(_ message: String) -> ExitCode {
        StandardStreams.err("error: \(message)")
        return ExitCode(CMOExitCode.usage)
    }
}
