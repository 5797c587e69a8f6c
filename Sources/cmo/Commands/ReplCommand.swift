import ArgumentParser
import CMOClient
import CMOEngine
import CMOSimulator
import Foundation
import Logging
import LuaKit

/// `cmo repl`: an interactive Lua prompt with `cmo` bound, the same sandbox and the same configuration as
/// `cmo run`.
struct ReplCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "An interactive Lua prompt with the cmo module bound.",
        discussion: """
            Each line runs as a task in one Lua state, so globals persist between lines; an expression's values \
            are printed as readable tables. A line that is not complete Lua waits for more. End with Ctrl-D.
            """
    )

    @OptionGroup(title: "Simulator")
    var simulation: SimulationOptions

    @Flag(help: "Read for real, change nothing.")
    var dryRun = false

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    func run() async throws {
        var logger = Logger(label: "cmo") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        var options = RunOptions(scriptPath: "./(repl)", modulePaths: [Stdlib.defaultPath()], dryRun: dryRun)
        let simulator = try await simulation.start(logger: logger, connection: connection)
        if let simulator {
            options.api = simulator.api
        } else if let loaded = try? Configuration.load(overrides: connection.overrides) {
            options.api = loaded.configuration
        }
        let interactive = FileOutput.standardInput.isTerminal
        let runner = ScriptRunner(options: options, logger: logger) { FileOutput.standardOutput.write($0 + "\n") }
        if interactive {
            FileOutput.standardError.write(
                "cmo repl: Lua 5.4 with cmo bound\(simulator != nil ? " (simulator with \(simulation.simFleet) products)" : options.api == nil ? " (no API configured)" : ""); Ctrl-D ends\n")
        }
        var pending = ""
        var lines = StandardInputLines.stream().makeAsyncIterator()
        while true {
            if interactive { FileOutput.standardError.write(pending.isEmpty ? "> " : ">> ") }
            guard let line = await lines.next() else { break }
            pending += pending.isEmpty ? line : "\n" + line
            if pending.trimmingCharacters(in: .whitespaces).isEmpty {
                pending = ""
                continue
            }
            guard let result = await runner.evaluate(pending) else { continue }
            pending = ""
            if let report = result.errorReport { FileOutput.standardError.write(report + "\n") }
        }
        if interactive { FileOutput.standardError.write("\n") }
        await runner.close()
        try? await simulator?.simulator.shutdown()
    }
}
