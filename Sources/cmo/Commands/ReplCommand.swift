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
            Each entry runs as a task in one Lua state, so globals persist between entries; an expression's values \
            are printed as readable tables. An entry that is not complete Lua waits for more lines (>> prompt). \
            On a terminal: line editing and history (kept in repl_history beside the journal, in \
            $XDG_STATE_HOME/cmo or ~/.local/state/cmo), TAB completes globals and members (cmo.act -> \
            cmo.activate(), Ctrl-C drops the line or interrupts the running entry, Ctrl-D ends. Piped input runs \
            without a prompt and stops at the first error (its exit code) or an unfinished entry (1). Without an \
            API configuration the prompt works all the same (it says so, and API calls raise).
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
        let interactive = FileOutput.standardInput.isTerminal
        let modes = interactive ? TerminalModes.save() : nil
        let terminal = interactive ? TerminalLines.edited(historyPath: ReplHistory.prepare()) : TerminalLines.piped()
        if interactive {
            let fleet = simulator.map { _ in " (simulator with \(simulation.simFleet) products)" } ?? ""
            FileOutput.standardError.write("cmo repl: Lua 5.4 with cmo bound\(fleet); Ctrl-C interrupts, Ctrl-D ends\n")
        }
        let signals = SignalForwarder { name, _ in
            Self.handle(name, interruption: terminal.interruption, interactive: interactive, modes: modes)
        }
        let session = RunSession(
            configuration: RunSession.Configuration(
                script: .interactive(terminal, dryRun: dryRun), api: api, modulePaths: [Stdlib.defaultPath()]),
            logger: logger)
        let code = await session.run()
        signals.cancel()
        try? await simulator?.shutdown()
        if code != .success { throw ExitCode(code) }
    }

    /// SIGINT interrupts the running entry (at the prompt the editor takes Ctrl-C as a key; an outside SIGINT
    /// there is ignored, or ends piped input); a second one for the same entry, or SIGTERM, ends the process.
    private static func handle(
        _ signal: String, interruption: ReplInterruption, interactive: Bool, modes: TerminalModes?
    ) {
        if signal == "SIGINT" {
            switch interruption.interrupt() {
            case .interrupted: return
            case .none where interactive: return
            case .none, .again: break
            }
        }
        modes?.restore()
        FileOutput.standardError.write("\ncmo: \(signal): exiting\n")
        RunSession.Console.exitProcess(.stopped)
    }
}
