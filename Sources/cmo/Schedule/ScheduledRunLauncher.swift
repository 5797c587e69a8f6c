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
/// blow-up of a script ends that run, not the daemon; the daemon's death (even SIGKILL) ends its runs
/// (``DaemonChildSpawner``), so that another replica can resume them.
struct ScheduledRunLauncher: Sendable {
    /// This program, to start `cmo run` with.
    let executable: String
    /// The journal the runs write to (the daemon's): a SQLite path, or a PostgreSQL URL without its password.
    let journalPath: String
    /// The journal's password, given to the child as `PGPASSWORD` (never on its command line).
    var journalPassword: String?
    /// The daemon's log format, which its runs log in too.
    var logFormat: LogFormat = .text
    let logger: Logger

    /// The arguments of `cmo run` for `job`, as run `runID` (resuming run `resuming`, when given: the script, vars,
    /// inputs and dry run are the resumed run's).
    static func arguments(
        for job: ScheduledJob, runID: String, resuming: String? = nil, journalPath: String, logFormat: LogFormat = .text
    ) -> [String] {
        var arguments = ["run"]
        arguments += resuming.map { ["--resume", $0] } ?? [job.script.path]
        arguments += ["--journal", journalPath, "--run-id", runID, "--job", job.name]
        if logFormat != .text { arguments += ["--log-format", logFormat.rawValue] }
        let options = job.runOptions
        if resuming == nil {
            for (key, value) in job.vars.sorted(by: { $0.key < $1.key }) { arguments += ["--var", "\(key)=\(value)"] }
            for (name, url) in options.inputs.sorted(by: { $0.key < $1.key }) { arguments += ["--input", "\(name)=\(url.path)"] }
            if options.dryRun == true { arguments.append("--dry-run") }
        }
        if let value = options.maxChanges { arguments += ["--max-changes", String(value)] }
        if let value = options.maxFailureRate { arguments += ["--max-failure-rate", String(value)] }
        if let value = options.concurrency { arguments += ["--concurrency", String(value)] }
        if let value = options.rateLimit { arguments += ["--rate-limit", String(value)] }
        if let value = options.tenantRateLimit { arguments += ["--tenant-rate-limit", String(value)] }
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
        await launch(FireLaunch(job: job, fireTime: fireTime))
    }

    /// Runs one fire (a new run, or the resume of a dead replica's run); see ``launch(_:fireTime:)``.
    func launch(_ fire: FireLaunch) async -> JobRunOutcome {
        let runID = fire.runID ?? RunEntry.makeID()
        var logger = logger
        logger[metadataKey: "job"] = "\(fire.job.name)"
        logger[metadataKey: "run"] = "\(runID)"
        let process = Process()
        let (command, arguments) = DaemonChildSpawner.command(
            executable,
            Self.arguments(for: fire.job, runID: runID, resuming: fire.resuming, journalPath: journalPath, logFormat: logFormat))
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        if let journalPassword {
            process.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": journalPassword]) { $1 }
        }
        let exit = AsyncStream.makeStream(of: (status: Int32, signalled: Bool).self)
        process.terminationHandler = { finished in
            exit.continuation.yield((finished.terminationStatus, finished.terminationReason == .uncaughtSignal))
            exit.continuation.finish()
        }
        do {
            try await DaemonChildSpawner.shared.run(process)
        } catch {
            logger.error("cannot start the run: \(error)")
            return JobRunOutcome(runID: nil, exitCode: 1, succeeded: false)
        }
        logger.info(
            "run started",
            metadata: [
                "fire_time": "\(fire.fireTime.formatted(.iso8601))", "pid": "\(process.processIdentifier)",
                "resuming": "\(fire.resuming ?? "-")",
            ])
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
