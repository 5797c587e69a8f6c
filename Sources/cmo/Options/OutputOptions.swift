import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json, table
}

/// `--output json|table`: a table on a terminal, JSON otherwise.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output"), help: "Output format: json or table (default: table on a terminal, else json).")
    var format: OutputFormat?

    /// The chosen format: the flag, else a table when stdout is a terminal, else JSON.
    var resolved: OutputFormat {
        format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
    }
}
