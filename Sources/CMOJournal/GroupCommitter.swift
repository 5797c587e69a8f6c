import GRDB
import Synchronization

/// Serializes journal writes and commits those that arrive together in one transaction.
///
/// ``perform(_:)`` waits until its write is durable (the transaction committed), so a change's intent is on disk
/// before its PATCH goes out; ``enqueue(_:)`` does not wait (answers, monitor ends: a lost one leaves the intent,
/// which a resumed run resolves by reading). Writes run in the order they were submitted. While one transaction
/// commits, the writes that arrive meanwhile queue up and share the next one: at concurrency 64 the cost of a
/// commit (an fsync of the WAL) is paid once per batch, not once per write. When a write fails the batch rolls
/// back and its writes run again one transaction each, so it fails alone.
final class GroupCommitter: Sendable {
    typealias Write = @Sendable (Database) throws -> Int64

    private struct Queue {
        var pending: [(write: Write, done: CheckedContinuation<Int64, any Error>?)] = []
        var flushing = false
        var failedInBackground = 0
    }

    private let writer: any DatabaseWriter
    private let queue = Mutex(Queue())

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `write` in the next transaction and returns its result once that transaction has committed.
    func perform(_ write: @escaping Write) async throws -> Int64 {
        try await withCheckedThrowingContinuation { done in submit(write, done) }
    }

    /// Queues `write` for the next transaction without waiting for it.
    func enqueue(_ write: @escaping Write) {
        submit(write, nil)
    }

    /// How many ``enqueue(_:)`` writes have failed so far.
    var failedInBackground: Int { queue.withLock { $0.failedInBackground } }

    private func submit(_ write: @escaping Write, _ done: CheckedContinuation<Int64, any Error>?) {
        let start = queue.withLock { queue in
            queue.pending.append((write, done))
            if queue.flushing { return false }
            queue.flushing = true
            return true
        }
        if start { Task { await flush() } }
    }

    private func flush() async {
        while true {
            let batch = queue.withLock { queue in
                let batch = queue.pending
                queue.pending.removeAll(keepingCapacity: true)
                if batch.isEmpty { queue.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            let results = await commit(batch.map(\.write))
            var failed = 0
            for (item, result) in zip(batch, results) {
                if let done = item.done {
                    done.resume(with: result)
                } else if case .failure = result {
                    failed += 1
                }
            }
            if failed > 0 { queue.withLock { $0.failedInBackground += failed } }
        }
    }

    private func commit(_ writes: [Write]) async -> [Result<Int64, any Error>] {
        do {
            // The common case: every write of the batch succeeds, in one transaction.
            return try await writer.write { db in try writes.map { try $0(db) } }.map { .success($0) }
        } catch {
            // One write failed and rolled the batch back: run each alone, so it fails alone.
            var results: [Result<Int64, any Error>] = []
            for write in writes {
                do {
                    results.append(.success(try await writer.write { db in try write(db) }))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}
