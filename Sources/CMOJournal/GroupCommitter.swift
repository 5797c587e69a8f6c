import GRDB

/// Serializes journal writes and commits those that arrive together in one transaction.
///
/// Every write waits until it is durable (the transaction committed), so a change's intent is on disk before its
/// PATCH goes out. While one transaction commits, the writes that arrive meanwhile queue up and share the next
/// one: at concurrency 64 the cost of a commit (an fsync of the WAL) is paid once per batch, not once per write.
/// Each write runs in its own savepoint, so one failing write fails alone.
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
            let results: [Result<Int64, any Error>]
            do {
                results = try await writer.write { db in
                    writes.map { write in
                        Result {
                            var value: Int64 = 0
                            try db.inSavepoint {
                                value = try write(db)
                                return .commit
                            }
                            return value
                        }
                    }
                }
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (item, result) in zip(batch, results) { item.done.resume(with: result) }
        }
        flushing = false
    }
}
