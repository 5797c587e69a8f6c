import ArgumentParser
import CMOClient
import CMOJournal
import CMOSchedule
import Foundation
import Logging

/// `cmo schedule FILE`: runs workflows on cron schedules, in the foreground; `check`, `status` and `resume`.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run workflows on cron schedules (a foreground daemon), or check a schedule file.",
        discussion: """
            FILE is TOML with one [[job]] table per job: name, cron (5 fields, or @hourly, @daily, @weekly, \
            @monthly, @yearly), timezone (IANA, default UTC), script, vars, overlap (skip, queue, allow), \
            catch_up (none, last) with catch_up_window, pause_after_failures, and the options of cmo run \
            (dry_run, max_changes, max_failure_rate, concurrency, rate_limit, timeout, inputs, report, profile). \
            Each fire is a normal journaled 'cmo run' with its own run id; the daemon's state is kept in the journal.
            """,
        subcommands: [Daemon.self, Check.self, Status.self, Resume.self],
        defaultSubcommand: Daemon.self
    )

    /// Loads the schedule file, or prints every problem with its line and throws exit code 2.
    static func load(_ path: String) throws -> ScheduleFile {
        do {
            return try ScheduleFile(contentsOf: URL(fileURLWithPath: path), displayPath: path)
        } catch {
            for line in error.lines { StandardStreams.err(line) }
            throw CommandExit.usage
        }
    }

    /// The key a schedule file's jobs are kept under in the journal.
    static func key(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `cmo schedule FILE`: the daemon.
    struct Daemon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the schedule in the foreground until SIGTERM or SIGINT (logs go to stderr).")

        @Argument(help: "The schedule file (TOML).")
        var file: String

        @Option(help: "On SIGTERM, wait at most this many seconds for runs in flight, then stop them (default: wait).")
        var grace: Double?

        @OptionGroup(title: "Journal")
        var journal: JournalOptions

        @Flag(help: "Log at debug level.")
        var verbose = false

        func validate() throws {
            if let grace, !(grace >= 0) { throw ValidationError("--grace must be 0 or more seconds") }
        }

        func run() async throws {
            var configured = Logger(label: "cmo.schedule") { StreamLogHandler.standardError(label: $0) }
            configured.logLevel = verbose ? .debug : .info
            let logger = configured
            let schedule = try ScheduleCommand.load(file)
            let opened = try journal.open()
            let launcher = ScheduledRunLauncher(
                executable: Self.executablePath, journalPath: opened.path, logger: logger)
            let daemon = ScheduleDaemon(
                jobs: schedule.jobs, clock: SystemScheduleClock(),
                store: JournalScheduleStore(journal: opened, schedule: ScheduleCommand.key(of: file)),
                launcher: { job, fireTime in await launcher.launch(job, fireTime: fireTime) }, logger: logger)
            let grace = grace.map { Duration.milliseconds(Int64($0 * 1000)) }
            let signals = SignalForwarder { name, count in
                logger.notice("\(name): stopping; runs in flight finish first", metadata: ["signal_count": "\(count)"])
                Task { await daemon.shutdown(grace: count > 1 ? .zero : grace) }
            }
            logger.info(
                "schedule started",
                metadata: ["file": "\(file)", "jobs": "\(schedule.jobs.count)", "journal": "\(opened.path)"])
            for job in schedule.jobs {
                let next = job.nextFire(after: Date()).map { ScheduleText.time($0, in: job.timeZone) } ?? "never"
                logger.info("job \(job.name): next run \(next)", metadata: ["cron": "\(job.cron)"])
            }
            await daemon.run()
            signals.cancel()
            logger.info("schedule stopped")
        }

        /// This program's path, for the child `cmo run` processes.
        static var executablePath: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        }
    }

    /// `cmo schedule check FILE`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a schedule file (every problem, with its line) and print each job's next five runs.")

        @Argument(help: "The schedule file (TOML).")
        var file: String

        func run() async throws {
            let schedule = try ScheduleCommand.load(file)
            let now = Date()
            var lines: [String] = []
            for job in schedule.jobs {
                lines.append("\(job.name): \(job.cron) (\(ScheduleText.name(of: job.timeZone))) -> \(job.script.path)")
                let fires = job.cron.nextFires(after: now, in: job.timeZone, count: 5)
                if fires.isEmpty { lines.append("  never fires") }
                for fire in fires { lines.append("  " + ScheduleText.time(fire, in: job.timeZone)) }
            }
            StandardStreams.out(lines.joined(separator: "\n"))
            StandardStreams.out("\(file): \(schedule.jobs.count) job\(schedule.jobs.count == 1 ? "" : "s"), ok")
        }
    }

    /// `cmo schedule status FILE`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per job: last run, next run, paused or not (from the journal).")

        @Argument(help: "The schedule file (TOML).")
        var file: String

        @OptionGroup(title: "Journal")
        var journal: JournalOptions

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let schedule = try ScheduleCommand.load(file)
            let store = JournalScheduleStore(journal: try journal.open(), schedule: ScheduleCommand.key(of: file))
            let statuses = try await JobStatus.report(for: schedule.jobs, store: store, now: Date())
            let zones = Dictionary(uniqueKeysWithValues: schedule.jobs.map { ($0.name, $0.timeZone) })
            switch output.resolved {
            case .json:
                let items = statuses.map { status -> JSONValue in
                    func time(_ date: Date?) -> JSONValue { date.map { .string($0.formatted(.iso8601)) } ?? .null }
                    return .object(JSONObject([
                        ("job", .string(status.name)), ("last_fire", time(status.lastFireTime)),
                        ("last_run_id", status.lastRunID.map(JSONValue.string) ?? .null),
                        ("last_exit_code", status.lastExitCode.map { .int(Int64($0)) } ?? .null),
                        ("last_finished", time(status.lastFinishedAt)), ("next_fire", time(status.nextFireTime)),
                        ("paused", .bool(status.paused)), ("consecutive_failures", .int(Int64(status.consecutiveFailures))),
                    ]))
                }
                StandardStreams.out(JSONValue.array(items).serialized(pretty: true))
            case .table:
                let rows = statuses.map { status in
                    let zone = zones[status.name] ?? .gmt
                    return [
                        status.name, status.lastFireTime.map { ScheduleText.time($0, in: zone) } ?? "never",
                        status.lastRunID ?? "-", status.lastExitCode.map(String.init) ?? "-",
                        status.paused ? "paused" : status.nextFireTime.map { ScheduleText.time($0, in: zone) } ?? "never",
                        status.paused
                            ? "paused after \(status.consecutiveFailures) failures: cmo schedule resume \(file) \(status.name)"
                            : status.consecutiveFailures > 0 ? "\(status.consecutiveFailures) failed in a row" : "ok",
                    ]
                }
                StandardStreams.out(
                    TableRenderer.table(header: ["job", "last run", "run id", "exit", "next run", "state"], rows: rows))
            }
        }
    }

    /// `cmo schedule resume FILE JOB`.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Un-pause a job that pause_after_failures paused (a running daemon notices within a minute).")

        @Argument(help: "The schedule file (TOML).")
        var file: String

        @Argument(help: "The job's name.")
        var job: String

        @OptionGroup(title: "Journal")
        var journal: JournalOptions

        func run() async throws {
            let schedule = try ScheduleCommand.load(file)
            guard schedule.jobs.contains(where: { $0.name == job }) else {
                throw ErrorReport.usage("no job '\(job)' in \(file)")
            }
            let store = JournalScheduleStore(journal: try journal.open(), schedule: ScheduleCommand.key(of: file))
            if try await store.resume(job: job) {
                StandardStreams.out("\(job): resumed")
            } else {
                StandardStreams.out("\(job): was not paused")
            }
        }
    }
}

/// How schedule times are shown: the job's wall clock with its offset.
enum ScheduleText {
    /// `2026-11-28 02:30 +01:00 (Europe/Berlin)`.
    static func time(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let text = String(
            format: "%04d-%02d-%02d %02d:%02d %@%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
        return "\(text) (\(name(of: zone)))"
    }

    /// The zone's IANA name; UTC for UTC (Foundation calls it GMT).
    static func name(of zone: TimeZone) -> String {
        zone.identifier == "GMT" ? "UTC" : zone.identifier
    }
}
