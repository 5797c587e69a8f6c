import CMOTestSupport
import Foundation

/// `cmo` as these tests run it: the built binary (see ``CMOBinary``), with journals under a state directory of this
/// test process, never under the user's `~/.local/state`.
enum CLI {
    /// `XDG_STATE_HOME` of every `cmo` these tests start.
    static let stateHome = FileManager.default.temporaryDirectory
        .appendingPathComponent("cmo-tests-state-\(ProcessInfo.processInfo.processIdentifier)").path

    /// The start of the line a journaled run that stopped or had failures ends with.
    static let resumeHint = "cmo: resume with: cmo run --resume "

    /// The package's root directory (where `scripts/` lives).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Starts `cmo arguments...` with this process's environment, ``stateHome`` and `environment`; the caller
    /// waits.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, input: String? = nil
    ) throws(CommandError) -> RunningCommand {
        try CMOBinary.start(arguments, environment: childEnvironment(environment), in: directory, input: input)
    }

    /// Runs `cmo arguments...` to the end, with `input` on its standard input; environment as for ``start``.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, input: String? = nil
    ) throws(CommandError) -> CommandResult {
        try CMOBinary.run(arguments, environment: childEnvironment(environment), in: directory, input: input)
    }

    /// Writes `source` to `name` in a new temporary directory and returns the directory; scripts run there by a
    /// relative path keep short chunk names (Lua shortens names longer than 60 bytes).
    static func workspace(_ source: String, name: String = "workflow.lua") throws -> String {
        URL(fileURLWithPath: try script(source, name: name)).deletingLastPathComponent().path
    }

    /// Writes `source` to a new temporary `name` and returns its path.
    static func script(_ source: String, name: String = "workflow.lua") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try source.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": stateHome]) { _, new in new }
            .merging(environment) { _, new in new }
    }
}
