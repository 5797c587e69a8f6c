import Foundation
import GRDB

/// The SQLite journal of runs, their changes and the schedule daemon's state (GRDB, WAL mode).
///
/// Writes are write-ahead and durable: ``insert(_:)`` returns once the row is committed with `synchronous=FULL`,
/// so an intent survives a crash or a power cut before its request is sent. Concurrent writes share commits
/// (see `GroupCommitter`). Reads never block writers (WAL). Nothing secret is ever written: the journal holds
/// ids, statuses, operations, errors' texts and correlation ids.
public final class Journal: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    private let committer: GroupCommitter

    /// Opens (creating the file and its directory when needed) and migrates the journal at `path`.
    public init(path: String) throws(JournalError) {
        self.path = path
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Writes are appends: a small page cache keeps a long run's memory flat.
                try db.execute(sql: "PRAGMA cache_size = -512")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrate(pool)
        } catch {
            throw JournalError(.unavailable, "cannot open the journal at \(path): \(Self.describe(error))")
        }
        committer = GroupCommitter(writer: pool)
    }

    deinit {
        committer.close()
    }

    /// Runs `write` durably (see the type's notes) and returns what it returns.
    @discardableResult
    func write(_ write: @escaping @Sendable (Database) throws -> Int64) async throws(JournalError) -> Int64 {
        do {
            return try await committer.perform(write)
        } catch {
            throw JournalError(.storage, "cannot write to the journal at \(path): \(Self.describe(error))")
        }
    }

    /// Queues `write` for the next commit without waiting for it (see `GroupCommitter`).
    func writeInBackground(_ write: @escaping @Sendable (Database) throws -> Int64) {
        committer.enqueue(write)
    }

    /// Waits until every write queued before this call is committed.
    public func sync() async throws(JournalError) {
        try await write { _ in 0 }
    }

    /// How many writes queued without waiting (answers, monitor ends) failed; `cmo run` warns when any did.
    public var failedBackgroundWrites: Int { committer.failedInBackground }

    /// Reads synchronously.
    func read<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try pool.read(body)
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(.storage, "cannot read the journal at \(path): \(Self.describe(error))")
        }
    }

    /// Migrates, tolerating another process migrating the same new file at the same moment: the migrator reads
    /// which migrations ran before it takes the write lock, so the slower one fails (`table ... already exists`);
    /// trying again finds the migrations applied.
    private static func migrate(_ pool: DatabasePool) throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try JournalSchema.migrator.migrate(pool)
                return
            } catch where attempt < 5 {
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
