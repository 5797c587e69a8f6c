import Foundation
import GRDB

/// Serializes journal writes on one thread of its own and commits those that arrive together in one transaction.
///
/// ``perform(_:)`` waits until its write is durable (the transaction committed), so a change's intent is on disk
/// before its PATCH goes out; ``enqueue(_:)`` does not wait (answers, monitor ends: a lost one leaves the intent,
/// which a resumed run resolves by reading). Writes run in the order they were submitted.
///
/// Batching: a waited-for write is committed at once, together with everything queued; writes nobody waits for
/// are held up to ``linger`` for company. At concurrency 64 a commit (an fsync of the WAL) is paid once per batch,
/// not once per write. The writer thread calls GRDB synchronously: no task or dispatch hop per batch. When a
/// write fails the batch rolls back and its writes run again one transaction each, so it fails alone.
final class GroupCommitter: @unchecked Sendable {
    typealias Write = @Sendable (Database) throws -> Int64

    /// How long a write nobody waits for may wait for others to share its commit.
    static let linger: TimeInterval = 0.02

    private struct Pending {
        var write: Write
        var done: CheckedContinuation<Int64, any Error>?
    }

    private let writer: any DatabaseWriter
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var waitedFor = 0
    private var oldestBackground: Date?
    private var failed = 0
    private var closed = false

    init(writer: any DatabaseWriter) {
        self.writer = writer
        let thread = Thread { [self] in
            while let batch = nextBatch() { commit(batch) }
        }
        thread.name = "cmo.journal"
        thread.start()
    }

    /// Commits what is queued, then ends the writer thread. Later writes are not run.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    /// Runs `write` in the next transaction and returns its result once that transaction has committed.
    func perform(_ write: @escaping Write) async throws -> Int64 {
        try await withCheckedThrowingContinuation { done in submit(Pending(write: write, done: done)) }
    }

    /// Queues `write` for a coming transaction without waiting for it.
    func enqueue(_ write: @escaping Write) {
        submit(Pending(write: write, done: nil))
    }

    /// How many ``enqueue(_:)`` writes have failed so far.
    var failedInBackground: Int {
        condition.lock()
        defer { condition.unlock() }
        return failed
    }

    private func submit(_ item: Pending) {
        condition.lock()
        pending.append(item)
        if item.done != nil {
            waitedFor += 1
        } else if oldestBackground == nil {
            oldestBackground = Date()
        }
        condition.signal()
        condition.unlock()
    }

    /// Blocks until a batch is due: at once when someone waits for a write, else when the oldest queued write has
    /// lingered long enough. Nil once closed with nothing left.
    private func nextBatch() -> [Pending]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if waitedFor > 0 || (closed && !pending.isEmpty) { break }
            if closed { return nil }
            if let oldest = oldestBackground {
                let due = oldest.addingTimeInterval(Self.linger)
                if Date() >= due { break }
                _ = condition.wait(until: due)
            } else {
                condition.wait()
            }
        }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        waitedFor = 0
        oldestBackground = nil
        return batch
    }

    private func commit(_ batch: [Pending]) {
        let writes = batch.map(\.write)
        var results: [Result<Int64, any Error>]
        do {
            // The common case: every write of the batch succeeds, in one transaction.
            results = try writer.write { db in try writes.map { try $0(db) } }.map { .success($0) }
        } catch {
            // One write failed and rolled the batch back: run each alone, so it fails alone.
            results = writes.map { write in Result { try writer.write { db in try write(db) } } }
        }
        var failures = 0
        for (item, result) in zip(batch, results) {
            if let done = item.done {
                done.resume(with: result)
            } else if case .failure = result {
                failures += 1
            }
        }
        if failures > 0 {
            condition.lock()
            failed += failures
            condition.unlock()
        }
    }
}
