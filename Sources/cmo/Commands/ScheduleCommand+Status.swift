import ArgumentParser
import CMOSchedule
import Foundation

extension ScheduleCommand {
    /// `cmo schedule status FILE`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per job: last run, next run, paused or not (from the journal).")

        @OptionGroup var state: ScheduleStateOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let jobs = try state.schedule.load().jobs
            let statuses = try await JobStatus.report(for: jobs, store: state.store(), now: Date())
            switch output.resolved {
            case .json:
                StandardStreams.out(JobStatusFormat.json(statuses))
            case .table:
                let zones = Dictionary(uniqueKeysWithValues: jobs.map { ($0.name, $0.timeZone) })
                StandardStreams.out(JobStatusFormat.table(statuses, zones: zones, file: state.schedule.file))
            }
        }
    }
}
