import Synchronization

/// Lines handed out one at a time from any thread (``ReplTerminal/lines(_:interactive:)``).
final class LineQueue: Sendable {
    private let lines: Mutex<ArraySlice<String>>

    init(_ lines: [String]) {
        self.lines = Mutex(lines[...])
    }

    /// The next line; nil when none is left.
    func next() -> String? {
        lines.withLock { $0.popFirst() }
    }
}
