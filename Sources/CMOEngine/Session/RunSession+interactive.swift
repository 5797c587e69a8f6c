import Foundation

extension RunSession {
    /// `cmo repl`: runs each entry as a new main task of one state (globals persist), printing what an expression
    /// returns; an entry that is not complete Lua waits for more lines. Without an API it says so once, and API
    /// calls raise why. Ends when the lines end; errors in entries are printed, not fatal.
    func interact(_ lines: AsyncStream<String>, prompts: Bool, dryRun: Bool) async -> CMOExitCode {
        let api = configuration.api.resolveLeniently()
        for warning in api.warnings { console.report("cmo: \(warning)") }
        if api.configuration == nil { console.report("cmo repl: \(api.unavailable)") }
        let options = options(script: "./(repl)", vars: [:], inputs: [:], dryRun: dryRun, api: api)
        let runner = ScriptRunner(options: options, logger: logger, output: console.printLine)
        var pending = ""
        var iterator = lines.makeAsyncIterator()
        while true {
            if prompts { console.prompt(pending.isEmpty ? "> " : ">> ") }
            guard let line = await iterator.next() else { break }
            pending += pending.isEmpty ? line : "\n" + line
            if pending.trimmingCharacters(in: .whitespaces).isEmpty {
                pending = ""
                continue
            }
            guard let result = await runner.evaluate(pending) else { continue }
            pending = ""
            if let report = result.errorReport { console.report(report) }
        }
        if prompts { console.prompt("\n") }
        await runner.close()
        return .success
    }
}
