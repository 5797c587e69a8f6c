import Foundation
import GRDB

/// The SQLite ``Journal``: a file on one machine (GRDB, WAL mode), the default.
///
/// Writes are write-ahead and durable: ``insert(_:)`` returns once the row is committed with `synchronous=FULL`,
/// so an intent survives a crash or a power cut before its request is sent. Concurrent writes share commits
/// (see `GroupCommitter`). Reads never block writers (WAL). Nothing secret is ever written: the journal holds
/// ids, statuses, operations, errors' texts and correlation ids.
public final class SQLiteJournal: Journal {
    /// The database file.
    public let path: String
    public var location: String { path }
    let pool: DatabasePool
    private let committer: GroupCommitter
    /// The journal file when it existed before this open and group or others may read it (`cmo` warns; SQLite
    /// gives its `-wal` and `-shm` files the database's mode). A journal created by this open is private.
    public let exposure: PrivateFiles.Exposure?

    /// Opens (creating the file and its directory when needed) and migrates the journal at `path`.
    ///
    /// Missing directories are created 0700 and a new file 0600 (so its `-wal` and `-shm` are 0600 too): the journal
    /// holds ICCIDs, vars and correlation ids.
    public init(path: String) throws(JournalError) {
        self.path = path
        exposure = PrivateFiles.exposure(of: path)
        do {
            let directory = (path as NSString).deletingLastPathComponent
            try PrivateFiles.createDirectory(directory)
            try PrivateFiles.createFile(path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Writes are appends: a small page cache keeps a long run's memory flat.
                try db.execute(sql: "PRAGMA cache_size = -512")
            }
            pool = try Self.whileHoldingOpenLock(directory: directory) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try JournalSchema.migrator.migrate(pool)
                return pool
            }
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

    /// Runs `open` while holding an exclusive advisory lock (`flock`) on the journal's directory, so processes
    /// opening the same new journal at once take turns: switching a new file to WAL mode and migrating it both
    /// fail with "database is locked" (no busy wait applies) when another connection does the same at that moment.
    /// The lock is held for the open only; it never blocks a reader or writer of an open journal.
    private static func whileHoldingOpenLock<T>(directory: String, _ open: () throws -> T) throws -> T {
        let descriptor = Foundation.open(directory.isEmpty ? "." : directory, O_RDONLY)
        guard descriptor >= 0 else { return try open() }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try open()
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
