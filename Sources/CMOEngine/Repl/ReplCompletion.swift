import Dispatch
import Synchronization

/// One TAB press: the line editor's thread asks (and blocks in ``wait()``), the session answers from the Lua
/// state (``answer(_:)``).
public final class ReplCompletion: Sendable {
    /// The word before the cursor: `cmo.act`, `pri`, `cmo.log.`.
    public let word: String
    private let words = Mutex<[String]>([])
    private let answered = DispatchSemaphore(value: 0)

    public init(word: String) {
        self.word = word
    }

    /// Gives the completing words (each whole: `cmo.activate(`); call once.
    public func answer(_ completions: [String]) {
        words.withLock { $0 = completions }
        answered.signal()
    }

    /// Waits for the answer (on the editor's thread, never on a task's).
    public func wait() -> [String] {
        answered.wait()
        return words.withLock { $0 }
    }
}
