import ArgumentParser
import CMOJournal
import CMOSchedule
import CMOWatch
import Foundation
import Logging

extension ScheduleCommand {
    /// `cmo schedule FILE`: the daemon.
    struct Daemon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the schedule in the foreground until SIGTERM or SIGINT (logs go to stderr).")

        @OptionGroup var state: ScheduleStateOptions

        @OptionGroup(title: "Status window") var watch: WatchOptions

        @OptionGroup var log: LogFormatOptions

        @Option(help: "On SIGTERM, wait at most this many seconds for runs in flight, then stop them (default: wait).")
        var grace: Double?

        @Flag(help: "Log at debug level.")
        var verbose = false

        func validate() throws {
            if let grace, !(grace >= 0) { throw ValidationError("--grace must be 0 or more seconds") }
        }

        func run() async throws {
            let logger = Logger.standardError("cmo.schedule", level: verbose ? .debug : .info, format: log.resolved)
            let schedule = state.schedule
            let file = try schedule.load()
            let jobs = file.jobs
            let opened =
                try await log.resolved == .json
                ? state.journal.open { logger.warning("\($0.hasPrefix("warning: ") ? String($0.dropFirst(9)) : $0)") }
                : state.journal.open()
            let launcher = ScheduledRunLauncher(
                executable: Self.executablePath, journalPath: opened.location, logFormat: log.resolved, logger: logger)
            let daemon = ScheduleDaemon(
                jobs: jobs, clock: SystemScheduleClock(), store: schedule.store(in: opened),
                launcher: { job, fireTime in await launcher.launch(job, fireTime: fireTime) }, logger: logger)
            // The window (--listen): bound before any job fires, so a taken port exits 2 with nothing started.
            let window = try await watch.start(
                journal: opened, schedule: WatchedSchedule(file: schedule.file, jobs: jobs, daemon: daemon), logger: logger)
            // [[notify]] webhooks (the one reader of daemon.events) and `retention` pruning, each on its own task.
            let notifications = await NotificationRelay.start(
                targets: file.notify, jobs: jobs, store: schedule.store(in: opened), journal: opened, events: daemon.events,
                logger: logger)
            let pruner = JournalPruner.start(journal: opened, retention: file.retention, logger: logger)
            let grace = grace.map { Duration.milliseconds(Int64($0 * 1000)) }
            let signals = SignalForwarder { name, count in
                logger.notice("\(name): stopping; runs in flight finish first", metadata: ["signal_count": "\(count)"])
                Task {
                    await notifications?.shutdownBegan()
                    await daemon.shutdown(grace: count > 1 ? .zero : grace)
                }
            }
            logger.info(
                "schedule started", metadata: ["file": "\(schedule.file)", "jobs": "\(jobs.count)", "journal": "\(opened.location)"])
            for job in jobs {
                let next = job.nextFire(after: Date()).map { ScheduleText.time($0, in: job.timeZone) } ?? "never"
                logger.info("job \(job.name): next run \(next)", metadata: ["cron": "\(job.cron)"])
            }
            window?.readiness.markReady()
            await daemon.run()
            await window?.stop()
            pruner?.cancel()
            await notifications?.finish()
            signals.cancel()
            logger.info("schedule stopped")
        }

        /// This program's path, for the child `cmo run` processes.
        static var executablePath: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        }
    }
}
