import LuaKit

extension ScriptRunner {
    /// Compiles and runs one REPL entry in this run's state: as an expression when it compiles as
    /// `return <source>`, else as statements; what it returns is printed with `cmo.inspect`. The chunk is `stdin`,
    /// its first line numbered `line`. An entry that is not complete Lua yet comes back `.incomplete`; one that
    /// was interrupted leaves the state ready for the next.
    public func evaluate(_ source: String, line: Int = 1) async -> ReplEvaluation {
        if let failure = loadReplHelpers() { return .ended(failure) }
        let stack = state.stack
        stack.pushGlobal(Self.replShow)
        // Blank lines before the entry: errors name the line of the input it came from.
        let padding = String(repeating: "\n", count: max(0, line - 1))
        do {
            try state.load(Array((padding + "return " + source).utf8), chunkName: "=stdin")
        } catch {
            do {
                try state.load(Array((padding + source).utf8), chunkName: "=stdin")
            } catch {
                stack.pop()
                if error.message.hasSuffix("<eof>") { return .incomplete(error.message) }
                return .ended(RunResult(outcome: .failed(error), exitCode: .scriptError, errorReport: error.message))
            }
        }
        _ = scheduler.start(main: 1)
        let outcome = await scheduler.run(timeout: options.timeout)
        scheduler.rearm()
        return .ended(Self.replResult(of: outcome))
    }

    /// The words completing `word` at the prompt (`cmo.act` gives `cmo.activate(`), from the live state: the
    /// globals, or the keys of the table the name before the last dot names.
    public func complete(_ word: String) async -> [String] {
        if loadReplHelpers() != nil { return [] }
        let stack = state.stack
        stack.pushGlobal(Self.replComplete)
        stack.push(word)
        _ = scheduler.start(main: 1)
        let outcome = await scheduler.run(timeout: options.timeout)
        scheduler.rearm()
        guard case .finished(let values) = outcome, case .array(let words)? = values.first else { return [] }
        return words.compactMap(\.stringValue)
    }

    /// Defines the REPL's globals (`Lua/repl.lua`) once; the failure when it cannot.
    private func loadReplHelpers() -> RunResult? {
        let stack = state.stack
        defer { stack.pop() }
        if stack.pushGlobal(Self.replShow) == .function { return nil }
        do {
            _ = try state.execute(String(decoding: PackageResources.repl_lua, as: UTF8.self), chunkName: "=(repl)")
            return nil
        } catch {
            return RunResult(outcome: .failed(error), exitCode: .scriptError, errorReport: error.message)
        }
    }

    /// How an entry ended, in the REPL's words: the error value and the entry's own frames, or `interrupted`.
    static func replResult(of outcome: LuaRunOutcome) -> RunResult {
        switch outcome {
        case .finished:
            return RunResult(outcome: outcome, exitCode: .success, errorReport: nil)
        case .failed(let error):
            return RunResult(outcome: outcome, exitCode: .scriptError, errorReport: error.message)
        case .stopped(let reason, let error):
            let text = reason == .requested(ReplInterruption.reason) ? ReplInterruption.reason : "stopped: \(error.message)"
            return RunResult(outcome: outcome, exitCode: .stopped, errorReport: text)
        }
    }

    /// The globals `Lua/repl.lua` defines.
    static let replShow = "__cmo_repl_show"
    static let replComplete = "__cmo_repl_complete"
}
