import GRDB

/// Serializes journal writes and commits those that arrive together in one transaction.
///
/// Every write waits until it is durable (the transaction committed), so a change's intent is on disk before its
/// PATCH goes out. While one transaction commits, the writes that arrive meanwhile queue up and share the next
/// one: at concurrency 64 the cost of a commit (an fsync of the WAL) is paid once per batch, not once per write.
/// When a write fails the batch rolls back and its writes run again one transaction each, so it fails alone.
actor GroupCommitter {
    typealias Write = @Sendable (Database) throws -> Int64

    private let writer: any DatabaseWriter
    private var pending: [(write: Write, done: CheckedContinuation<Int64, any Error>)] = []
    private var flushing = false

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `write` in the next transaction and returns its result once that transaction has committed.
    func perform(_ write: @escaping Write) async throws -> Int64 {
        try await withCheckedThrowingContinuation { done in
            pending.append((write, done))
            if !flushing {
                flushing = true
                Task { await flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let writes = batch.map(\.write)
            var results: [Result<Int64, any Error>]
            do {
                // The common case: every write of the batch succeeds, in one transaction.
                let values = try await writer.write { db in try writes.map { try $0(db) } }
                results = values.map { .success($0) }
            } catch {
                // One write failed and rolled the batch back: run each alone, so it fails alone.
                results = []
                for write in writes {
                    do {
                        results.append(.success(try await writer.write { db in try write(db) }))
                    } catch {
                        results.append(.failure(error))
                    }
                }
            }
            for (item, result) in zip(batch, results) { item.done.resume(with: result) }
        }
        flushing = false
    }
}
