import ArgumentParser

/// `--wait [--timeout SECONDS]`: follow a monitor until it ends, shared by `cmo patch` and `cmo monitor`.
struct WaitOptions: ParsableArguments {
    @Flag(help: "Poll the monitor until it is Completed (exit 0) or InError (exit 1).")
    var wait = false

    @Option(help: "Seconds to wait with --wait.")
    var timeout: Double = 120

    func validate() throws {
        guard timeout > 0 else { throw ErrorReport.usage("--timeout must be above 0") }
    }

    /// `--timeout` as a duration.
    var duration: Duration { .milliseconds(Int64(timeout * 1000)) }
}
