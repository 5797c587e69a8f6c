import CMOEngine
import CMOJournal
import CMOSchedule
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Starts each scheduled run as a child `cmo run` process: a normal journaled run with its own id (given to it
/// with `--run-id`), its own report, and the daemon's environment and connection settings. A crash or a memory
/// blow-up of a script ends that run, not the daemon.
struct ScheduledRunLauncher: Sendable {
    /// This program, to start `cmo run` with.
    let executable: String
    /// The journal the runs write to (the daemon's).
    let journalPath: String
    /// The daemon's log format, which its runs log in too.
    var logFormat: LogFormat = .text
    let logger: Logger

    /// The arguments of `cmo run` for `job`, as run `runID`.
    static func arguments(for job: ScheduledJob, runID: String, journalPath: String, logFormat: LogFormat = .text) -> [String] {
        var arguments = ["run", job.script.path, "--journal", journalPath, "--run-id", runID, "--job", job.name]
        if logFormat != .text { arguments += ["--log-format", logFormat.rawValue] }
        for (key, value) in job.vars.sorted(by: { $0.key < $1.key }) { arguments += ["--var", "\(key)=\(value)"] }
        let options = job.runOptions
        for (name, url) in options.inputs.sorted(by: { $0.key < $1.key }) { arguments += ["--input", "\(name)=\(url.path)"] }
        if options.dryRun == true { arguments.append("--dry-run") }
        if let value = options.maxChanges { arguments += ["--max-changes", String(value)] }
        if let value = options.maxFailureRate { arguments += ["--max-failure-rate", String(value)] }
        if let value = options.concurrency { arguments += ["--concurrency", String(value)] }
        if let value = options.rateLimit { arguments += ["--rate-limit", String(value)] }
        if let value = options.timeout { arguments += ["--timeout", String(value)] }
        if let value = options.profile { arguments += ["--profile", value] }
        if let report = options.report {
            arguments += ["--report", report.path.replacingOccurrences(of: "{run_id}", with: runID)]
        }
        return arguments
    }

    /// Runs `job` to its end; when the daemon gives up waiting (its task is cancelled), the child gets SIGTERM,
    /// records what it had in flight and exits 4.
    func launch(_ job: ScheduledJob, fireTime: Date) async -> JobRunOutcome {
        let runID = RunEntry.makeID()
        var logger = logger
        logger[metadataKey: "job"] = "\(job.name)"
        logger[metadataKey: "run"] = "\(runID)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Self.arguments(for: job, runID: runID, journalPath: journalPath, logFormat: logFormat)
        let exit = AsyncStream.makeStream(of: (status: Int32, signalled: Bool).self)
        process.terminationHandler = { finished in
            exit.continuation.yield((finished.terminationStatus, finished.terminationReason == .uncaughtSignal))
            exit.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            logger.error("cannot start the run: \(error)")
            return JobRunOutcome(runID: nil, exitCode: 1, succeeded: false)
        }
        logger.info("run started", metadata: ["fire_time": "\(fireTime.formatted(.iso8601))", "pid": "\(process.processIdentifier)"])
        let pid = process.processIdentifier
        // Waited for in a task of its own: iterating the stream in this task would end at once when the daemon
        // cancels it, before the child (sent SIGTERM below) has recorded what it had in flight and exited.
        let waiter = Task {
            for await end in exit.stream { return end }
            return (status: Int32(1), signalled: false)
        }
        let (status, signalled) = await withTaskCancellationHandler {
            await waiter.value
        } onCancel: {
            kill(pid, SIGTERM)
        }
        logger.info("run ended", metadata: ["exit_code": "\(status)"])
        // Exit 4: the run stopped early and recorded what it had in flight. A child killed by SIGTERM or SIGINT
        // before it installed its handlers (its script had not started) was stopped too.
        let stopped = signalled ? status == SIGTERM || status == SIGINT : status == CMOExitCode.stopped.rawValue
        return JobRunOutcome(
            runID: runID, exitCode: status, succeeded: !signalled && status == 0, stopped: stopped)
    }
}
