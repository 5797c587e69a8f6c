import ArgumentParser

/// The journal to read and how to print it: `cmo runs` and `cmo runs show`.
struct RunHistoryOptions: ParsableArguments {
    @OptionGroup(title: "Journal")
    var journal: JournalOptions

    @OptionGroup var output: OutputOptions
}
