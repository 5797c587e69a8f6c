import Logging
import Synchronization

/// The PostgreSQL journal's writes queued without waiting (answers, monitor ends): one task runs them in the
/// order they were queued, each retried while the server is away, so a later write never overtakes an earlier
/// one; ``drain()`` waits for everything queued before it.
final class PostgresBackgroundWriter: Sendable {
    enum Item: Sendable {
        case write(@Sendable (PostgresJournal) async throws(JournalError) -> Void)
        case marker(CheckedContinuation<Void, Never>)
    }

    private let queue: AsyncStream<Item>
    private let sink: AsyncStream<Item>.Continuation
    private let failures = Atomic<Int>(0)
    private let worker = Mutex<Task<Void, Never>?>(nil)

    init() {
        (queue, sink) = AsyncStream.makeStream(of: Item.self)
    }

    deinit {
        sink.finish()
    }

    /// Starts the task that writes to `journal` (held weakly: the journal's end ends it).
    func start(_ journal: PostgresJournal) {
        let queue = self.queue
        let task = Task { [weak journal] in
            for await item in queue {
                switch item {
                case .marker(let continuation):
                    continuation.resume()
                case .write(let write):
                    guard let journal else { continue }
                    do throws(JournalError) {
                        try await write(journal)
                    } catch {
                        journal.background.failures.add(1, ordering: .relaxed)
                        journal.logger.error("journal background write failed", metadata: ["error": "\(error.message)"])
                    }
                }
            }
        }
        worker.withLock { $0 = task }
    }

    /// Queues `write`.
    func enqueue(_ write: @escaping @Sendable (PostgresJournal) async throws(JournalError) -> Void) {
        sink.yield(.write(write))
    }

    /// Waits until every write queued before this call has run.
    func drain() async {
        await withCheckedContinuation { continuation in
            if case .terminated = sink.yield(.marker(continuation)) { continuation.resume() }
        }
    }

    /// How many background writes failed.
    var failed: Int { failures.load(ordering: .relaxed) }
}
