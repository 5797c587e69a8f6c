import Dispatch
import CMOEngine
import Synchronization

/// The session's requests for a line, handed to the thread that reads: it waits in ``take()`` until one comes.
final class PromptRequests: Sendable {
    private let prompts = Mutex<[ReplTerminal.Prompt]>([])
    private let available = DispatchSemaphore(value: 0)

    /// Asks for a line with `prompt` (from the session's task; never blocks).
    func post(_ prompt: ReplTerminal.Prompt) {
        prompts.withLock { $0.append(prompt) }
        available.signal()
    }

    /// Waits for the next request (on the reading thread).
    func take() -> ReplTerminal.Prompt {
        available.wait()
        return prompts.withLock { $0.removeFirst() }
    }
}
