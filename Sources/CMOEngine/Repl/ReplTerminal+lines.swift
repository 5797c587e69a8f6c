extension ReplTerminal {
    /// A terminal that types `lines`, one per request, then ends: for tests and for embedding a session.
    /// `interactive` chooses the terminal's rules (errors keep the session) or the pipe's (the first one ends it).
    public static func lines(_ lines: [String], interactive: Bool) -> ReplTerminal {
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let remaining = LineQueue(lines)
        return ReplTerminal(
            isInteractive: interactive,
            ask: { _ in
                if let line = remaining.next() { sink.yield(.line(line)) } else { sink.finish() }
            },
            events: events, interruption: ReplInterruption())
    }
}
