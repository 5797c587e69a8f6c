import Foundation
import LuaKit

extension RunSession {
    /// `cmo repl`: runs each entry as a new main task of one state (globals persist), printing what an expression
    /// returns; an entry that is not complete Lua waits for more lines. Without an API it says so once, and API
    /// calls raise why. On a terminal errors are printed and the session goes on, Ctrl-C at the prompt drops the
    /// entry typed so far and Ctrl-C while an entry runs interrupts it; it ends with the input (Ctrl-D). Piped
    /// input ends at the first error, or with an entry left unfinished, with that exit code.
    func interact(_ terminal: ReplTerminal, dryRun: Bool) async -> CMOExitCode {
        let api = configuration.api.resolveLeniently()
        for warning in api.warnings { console.report("cmo: \(warning)") }
        if api.configuration == nil { console.report("cmo repl: \(api.unavailable)") }
        let options = options(script: "./(repl)", vars: [:], inputs: [:], dryRun: dryRun, api: api)
        let runner = ScriptRunner(options: options, logger: logger, output: console.printLine)
        let code = await readEvaluatePrint(terminal, runner: runner)
        await runner.close()
        return code
    }

    /// The loop: asks for a line, answers completions while it is typed, runs each complete entry.
    private func readEvaluatePrint(_ terminal: ReplTerminal, runner: ScriptRunner) async -> CMOExitCode {
        var entry = ReplEntry()
        terminal.ask(.entry)
        for await event in terminal.events {
            switch event {
            case .complete(let completion):
                completion.answer(await runner.complete(completion.word))
            case .cancelled:
                entry = ReplEntry(nextLine: entry.nextLine)
                terminal.ask(.entry)
            case .line(let line):
                entry.append(line)
                if entry.isBlank {
                    entry = ReplEntry(nextLine: entry.nextLine)
                    terminal.ask(.entry)
                    continue
                }
                let control = runner.scheduler.control
                terminal.interruption.route { control.stop(.requested(ReplInterruption.reason)) }
                let evaluation = await runner.evaluate(entry.source, line: terminal.isInteractive ? 1 : entry.firstLine)
                terminal.interruption.route(to: nil)
                switch evaluation {
                case .incomplete(let message):
                    entry.unfinished = message
                    terminal.ask(.continuation)
                case .ended(let result):
                    entry = ReplEntry(nextLine: entry.nextLine)
                    if let report = result.errorReport { console.report(report) }
                    if !terminal.isInteractive, result.exitCode != .success { return result.exitCode }
                    terminal.ask(.entry)
                }
            }
        }
        guard let unfinished = entry.unfinished, !terminal.isInteractive else { return .success }
        console.report("\(unfinished): the input ended inside an unfinished entry")
        return .scriptError
    }
}
