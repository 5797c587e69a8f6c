import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `cmo sim` as a child process on a free port of 127.0.0.1, for tests of the command line.
///
/// Tests of `cmo` commands talk to a simulator in a process of its own: they block their thread while a child
/// `cmo` runs, which could starve a simulator sharing the test process's threads. In-process tests use
/// ``TestSimulator``. The process is killed when this value goes away; ``stop(signal:timeout:)`` ends it on purpose.
package final class SimProcess: @unchecked Sendable {
    /// The running `cmo sim`.
    package let command: RunningCommand
    /// The two lines it printed on start: `cmo sim listening on URL`, then the `CMO_*` variables.
    package let lines: [String]
    /// The `CMO_*` variables it printed.
    package let printedVariables: [String: String]
    /// The environment for a `cmo` that talks to this simulator: the printed variables, `PATH`, and a `HOME` of
    /// its own (no configuration file of the user's is read).
    package let environment: [String: String]
    private let home: URL

    /// Starts `cmo sim --port 0 --fleet FLEET --seed SEED arguments...` and waits until it prints its two lines.
    ///
    /// - Throws: ``CommandError`` when the binary is missing, or the simulator ends or takes longer than `timeout`
    ///   before it prints them.
    package init(
        fleet: Int = 50, seed: UInt64 = 3, _ arguments: [String] = [], timeout: Duration = .seconds(60)
    ) throws(CommandError) {
        command = try CMOBinary.start(["sim", "--port", "0", "--fleet", "\(fleet)", "--seed", "\(seed)"] + arguments)
        let printed = try command.waitForOutput(describedAs: "print its two lines", timeout: timeout) { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).count > 2
        }
        lines = printed.split(separator: "\n").prefix(2).map(String.init)
        var variables: [String: String] = [:]
        for pair in (lines.last { $0.hasPrefix("CMO_API_URL=") } ?? "").split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { variables[parts[0]] = parts[1] }
        }
        printedVariables = variables
        home = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-sim-home-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        environment = variables.merging(["HOME": home.path, "PATH": "/usr/bin:/bin"]) { _, new in new }
    }

    /// The simulator's own origin (`http://127.0.0.1:PORT`), where `/_sim/...` lives.
    package var origin: String {
        let url = URL(string: printedVariables["CMO_API_URL"] ?? "")
        return "http://\(url?.host ?? "127.0.0.1"):\(url?.port ?? 0)"
    }

    /// Runs `cmo arguments...` against this simulator, with exactly ``environment``.
    package func cmo(_ arguments: String..., timeout: Duration = .seconds(300)) throws(CommandError) -> CommandResult {
        try CMOBinary.run(arguments, environment: environment, timeout: timeout)
    }

    /// Sends `signal` and waits for the simulator to end.
    @discardableResult
    package func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) throws(CommandError) -> CommandResult {
        command.send(signal)
        return try command.wait(timeout: timeout)
    }

    deinit {
        try? FileManager.default.removeItem(at: home)
    }
}
