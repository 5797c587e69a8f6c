import Foundation
import ArgumentParser
import CMOSchedule

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
            Each fire is a normal journaled 'cmo run' with its own run id; the daemon's state is kept in the journal. \
            A run stopped by the daemon's shutdown is recorded as stopped (exit 4), not as a failure.
            """,
        subcommands: [Daemon.self, Check.self, Status.self, Resume.self],
        defaultSubcommand: Daemon.self
    )

    /// `cmo schedule check FILE`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a schedule file (every problem, with its line) and print each job's next five runs.")

        @OptionGroup var schedule: ScheduleFileArgument

        func run() async throws {
            let file = try schedule.load()
            let jobs = file.jobs
            let now = Date()
            var lines: [String] = []
            for job in jobs {
                lines.append("\(job.name): \(job.cron) (\(ScheduleText.name(of: job.timeZone))) -> \(job.script.path)")
                let fires = job.cron.nextFires(after: now, in: job.timeZone, count: 5)
                if fires.isEmpty { lines.append("  never fires") }
                for fire in fires { lines.append("  " + ScheduleText.time(fire, in: job.timeZone)) }
            }
            lines += ScheduleText.notifyLines(file)
            StandardStreams.out(lines.joined(separator: "\n"))
            StandardStreams.out("\(schedule.file): \(jobs.count) job\(jobs.count == 1 ? "" : "s"), ok")
        }
    }

    /// `cmo schedule resume FILE JOB`.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Un-pause a job that pause_after_failures paused (a running daemon notices within a minute).")

        @OptionGroup var state: ScheduleStateOptions

        @Argument(help: "The job's name.")
        var job: String

        func run() async throws {
            guard try state.schedule.load().jobs.contains(where: { $0.name == job }) else {
                throw ErrorReport.usage("no job '\(job)' in \(state.schedule.file)")
            }
            let resumed = try await state.store().resume(job: job)
            StandardStreams.out(resumed ? "\(job): resumed" : "\(job): was not paused")
        }
    }
}
