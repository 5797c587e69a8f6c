import ArgumentParser
import CMOEngine
import CMOSimulator
import Logging

/// `cmo repl`: an interactive Lua prompt with `cmo` bound, the same sandbox and the same configuration as
/// `cmo run`.
struct ReplCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "An interactive Lua prompt with the cmo module bound.",
        discussion: """
            Each line runs as a task in one Lua state, so globals persist between lines; an expression's values \
            are printed as readable tables. A line that is not complete Lua waits for more. End with Ctrl-D. \
            Without an API configuration the prompt works all the same (it says so, and API calls raise).
            """
    )

    @OptionGroup(title: "Simulator")
    var simulation: SimulationOptions

    @Flag(help: "Read for real, change nothing.")
    var dryRun = false

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    func run() async throws {
        let logger = Logger.standardError("cmo", level: .info)
        let (api, simulator) = try await simulation.apiSource(connection: connection, noAPI: false, logger: logger)
        let prompts = FileOutput.standardInput.isTerminal
        if prompts {
            let fleet = simulator.map { _ in " (simulator with \(simulation.simFleet) products)" } ?? ""
            FileOutput.standardError.write("cmo repl: Lua 5.4 with cmo bound\(fleet); Ctrl-D ends\n")
        }
        let entries = RunSession.Configuration.Script.interactive(
            StandardInputLines.stream(), prompts: prompts, dryRun: dryRun)
        let session = RunSession(
            configuration: RunSession.Configuration(script: entries, api: api, modulePaths: [Stdlib.defaultPath()]),
            logger: logger)
        _ = await session.run()
        try? await simulator?.shutdown()
    }
}
