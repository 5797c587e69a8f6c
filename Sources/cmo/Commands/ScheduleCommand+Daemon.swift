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

        @Option(help: "This daemon's name among replicas sharing the journal (default: HOST:PID).")
        var replica: String?

        @Option(help: "With replicas: how often this one proves it is alive while its runs go on, in seconds.")
        var heartbeat: Double = 5

        @Option(help: "With replicas: take over and resume a run whose replica has not proved alive for this many seconds.")
        var takeoverAfter: Double = 30

        @Flag(help: "Log at debug level.")
        var verbose = false

        func validate() throws {
            if let grace, !(grace >= 0) { throw ValidationError("--grace must be 0 or more seconds") }
            guard heartbeat > 0, heartbeat.isFinite else { throw ValidationError("--heartbeat must be a positive number of seconds") }
            guard takeoverAfter > heartbeat, takeoverAfter.isFinite else {
                throw ValidationError("--takeover-after must be longer than --heartbeat")
            }
            if let replica, replica.isEmpty { throw ValidationError("--replica must not be empty") }
        }

        /// The daemon's tuning from the replica flags.
        var configuration: ScheduleDaemon.Configuration {
            ScheduleDaemon.Configuration(
                replica: replica ?? ScheduleDaemon.Configuration.defaultReplicaName,
                heartbeatInterval: .milliseconds(Int64(heartbeat * 1000)), staleAfter: .milliseconds(Int64(takeoverAfter * 1000)))
        }

        func run() async throws {
            let logger = Logger.standardError("cmo.schedule", level: verbose ? .debug : .info, format: log.resolved)
            let schedule = state.schedule
            let file = try schedule.load()
            let jobs = file.jobs
            let journalChoice = try state.journal.choice()
            let shared = jobs.filter { $0.runOptions.tenantRateLimit != nil }.map(\.name)
            if !shared.isEmpty {
                guard case .postgres = journalChoice else {
                    throw ErrorReport.usage(
                        "tenant_rate_limit (job \(shared.joined(separator: ", "))) is shared through a PostgreSQL "
                            + "journal: give --journal postgres://USER@HOST/DB")
                }
            }
            let opened =
                try await log.resolved == .json
                ? state.journal.open { logger.warning("\($0.hasPrefix("warning: ") ? String($0.dropFirst(9)) : $0)") }
                : state.journal.open()
            var launcher = ScheduledRunLauncher(
                executable: Self.executablePath, journalPath: opened.location, logFormat: log.resolved, logger: logger)
            // The child gets the URL without the password (its command line is visible to every user), and the
            // password in its environment.
            if case .postgres(let location) = journalChoice { launcher.journalPassword = location.password }
            let daemon = ScheduleDaemon(
                jobs: jobs, clock: SystemScheduleClock(), store: schedule.store(in: opened),
                fireLauncher: { [launcher] fire in await launcher.launch(fire) }, logger: logger,
                configuration: configuration)
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
                "schedule started",
                metadata: [
                    "file": "\(schedule.file)", "jobs": "\(jobs.count)", "journal": "\(opened.location)",
                    "replica": "\(configuration.replica)",
                ])
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
