/// How one REPL entry ended.
public enum ReplEvaluation: Sendable {
    /// The source is not complete Lua yet (the message says what the end of input cut short): read more.
    case incomplete(String)
    /// It ran (or failed to compile): how it ended.
    case ended(RunResult)
}
