import LuaKit

/// Runs `source` as the main task of a fresh sandboxed state with json and the task functions in `cmo`.
func runScript(
    _ source: String,
    chunkName: String = "script.lua",
    limits: LuaLimits = LuaLimits(),
    timeout: Double? = nil,
    modulePaths: [String] = [],
    setup: (LuaState, LuaScheduler) -> Void = { _, _ in }
) async -> (outcome: LuaRunOutcome, output: [String]) {
    let state = LuaState(limits: limits)
    var lines: [String] = []
    state.output = { lines.append($0) }
    let scheduler = LuaScheduler(state: state)
    state.openSandbox(LuaSandbox(modulePaths: modulePaths))
    state.openJSON()
    state.openTasks(in: "cmo", defaultConcurrency: 4)
    setup(state, scheduler)
    do {
        try state.load(Array(source.utf8), chunkName: chunkName)
    } catch {
        return (.failed(error), lines)
    }
    _ = scheduler.start(main: 0)
    let outcome = await scheduler.run(timeout: timeout)
    return (outcome, lines)
}

/// The error message of a failed outcome, or nil.
func failureMessage(_ outcome: LuaRunOutcome) -> String? {
    if case .failed(let error) = outcome { return error.message }
    return nil
}

/// The values a finished outcome returned, or nil.
func returned(_ outcome: LuaRunOutcome) -> [LuaValue]? {
    if case .finished(let values) = outcome { return values }
    return nil
}

/// Evaluates `expression` on a fresh sandboxed state (no scheduler) and returns its value.
func evaluate(_ expression: String) throws(LuaError) -> LuaValue {
    let state = LuaState()
    state.openSandbox(LuaSandbox())
    state.openJSON()
    return try state.execute("return " + expression)
}
