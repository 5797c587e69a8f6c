/// The operator's side of `cmo repl`, as the session sees it: the CLI gives a line editor on a terminal
/// (libedit: history, completion, Ctrl-C) or plain lines from a pipe.
///
/// The session asks for each line with ``ask`` and then reads ``events`` until the line comes: meanwhile the
/// editor may ask for completions (TAB), which the session answers from the live Lua state. Nothing reads ahead,
/// so a prompt never shows while an entry runs.
public struct ReplTerminal: Sendable {
    /// Which prompt a line is asked for with.
    public enum Prompt: Sendable, Equatable {
        /// The first line of an entry (`> `).
        case entry
        /// A further line of an entry that is not complete Lua yet (`>> `).
        case continuation

        /// The prompt's text.
        public var text: String { self == .entry ? "> " : ">> " }
    }

    /// What comes from the operator.
    public enum Event: Sendable {
        /// A line (without its newline).
        case line(String)
        /// Ctrl-C at the prompt: the entry typed so far is dropped.
        case cancelled
        /// TAB: the words completing the word before the cursor are wanted.
        case complete(ReplCompletion)
    }

    /// Whether an operator types at a terminal: errors keep the session. Piped input ends at the first error.
    public var isInteractive: Bool
    /// Asks for the next line with `prompt`; it arrives on ``events``.
    public var ask: @Sendable (Prompt) -> Void
    /// Lines, cancellations and completion requests; finishes at the end of input (Ctrl-D).
    public var events: AsyncStream<Event>
    /// Where Ctrl-C during an entry is routed (the CLI's signal handler fires it).
    public var interruption: ReplInterruption

    public init(
        isInteractive: Bool, ask: @escaping @Sendable (Prompt) -> Void, events: AsyncStream<Event>,
        interruption: ReplInterruption
    ) {
        self.isInteractive = isInteractive
        self.ask = ask
        self.events = events
        self.interruption = interruption
    }
}
