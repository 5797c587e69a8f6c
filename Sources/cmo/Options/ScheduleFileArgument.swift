import ArgumentParser
import CMOEngine
import CMOJournal
import CMOSchedule
import Foundation

/// The `FILE` of `cmo schedule`: a schedule file, loaded with every problem reported.
struct ScheduleFileArgument: ParsableArguments {
    @Argument(help: "The schedule file (TOML).")
    var file: String

    /// Loads the schedule file, or prints every problem with its line and throws exit code 2.
    func load() throws -> ScheduleFile {
        do {
            return try ScheduleFile(contentsOf: URL(fileURLWithPath: file), displayPath: file)
        } catch {
            for line in error.lines { StandardStreams.err(line) }
            throw ExitCode(CMOExitCode.usage)
        }
    }

    /// The store of this file's jobs in `journal`, keyed by the file's absolute path (two files may have jobs of
    /// the same name).
    func store(in journal: any Journal) -> JournalScheduleStore {
        JournalScheduleStore(journal: journal, schedule: URL(fileURLWithPath: file).standardizedFileURL.path)
    }
}
