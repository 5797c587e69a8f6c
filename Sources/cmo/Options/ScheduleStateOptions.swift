import ArgumentParser
import CMOJournal

/// A schedule file and the journal that keeps its jobs' state: `cmo schedule FILE`, `status` and `resume`.
struct ScheduleStateOptions: ParsableArguments {
    @OptionGroup var schedule: ScheduleFileArgument

    @OptionGroup(title: "Journal")
    var journal: JournalOptions

    /// The store of the file's jobs in the journal.
    func store() async throws -> JournalScheduleStore {
        schedule.store(in: try await journal.open())
    }
}
