import CMOJournal
import Foundation
import Synchronization

/// The journal as one run sees it: its own row, and for a resumed run what the earlier runs of its chain
/// recorded, looked up by change key.
///
/// A change's key is the product id and the operations as JSON, plus `#n` for the n-th identical call in the
/// run: the same script with the same inputs makes the same calls, so a resumed run finds each of its changes.
public final class RunJournal: Sendable {
    /// The journal file.
    public let journal: any Journal
    /// This run's row, as written when it started.
    public let run: RunEntry
    private let prior: [String: ChangeEntry]
    private let occurrences = Mutex<[String: Int]>([:])
    private let shard: ShardWriter?
    private let leaseLostFlag = Mutex(false)

    /// A distributed run's shard as one worker holds it: its intents go through the fence.
    struct ShardWriter: Sendable {
        let journal: PostgresJournal
        let fence: ShardFence
        let worker: String
        let maxChanges: Int?
        /// Whether the worker's lease still allows a request to start, by its own monotonic clock.
        let maySend: @Sendable () -> Bool
    }

    private init(journal: any Journal, run: RunEntry, prior: [String: ChangeEntry], shard: ShardWriter? = nil) {
        self.journal = journal
        self.run = run
        self.prior = prior
        self.shard = shard
    }

    /// The journal of one shard of distributed run `run` (begun by its coordinator) as `worker` holds it at
    /// `fence`: intents are written only while the lease holds (and, with `maxChanges`, while the run's workers
    /// together have written fewer); `prior` is what earlier holders of the shard recorded.
    /// `maySend` says whether the lease still allows a request to start (asked after each intent, right before
    /// its request).
    public static func shard(
        of run: RunEntry, in journal: PostgresJournal, fence: ShardFence, worker: String, maxChanges: Int?,
        prior: [String: ChangeEntry], maySend: @escaping @Sendable () -> Bool
    ) -> RunJournal {
        RunJournal(
            journal: journal, run: run, prior: prior,
            shard: ShardWriter(journal: journal, fence: fence, worker: worker, maxChanges: maxChanges, maySend: maySend))
    }

    /// Whether a request may start now: always, unless this is a distributed run's shard whose lease ran out by
    /// the worker's clock (then the change's intent stays open, for the next holder to read first).
    var maySend: Bool { shard?.maySend() ?? true }

    /// Notes that the shard's lease was found lost while a change went (its intent fenced, or its deadline past).
    func noteLeaseLost() { leaseLostFlag.withLock { $0 = true } }

    /// Whether a change of this shard found its lease lost: the shard is its next holder's.
    public var leaseLost: Bool { leaseLostFlag.withLock { $0 } }

    /// Commits a change's intent: through the shard's fence in a distributed run, else as it is.
    func insertIntent(_ change: ChangeEntry) async throws(JournalError) -> ChangeEntry {
        guard let shard else { return try await journal.insert(change) }
        return try await shard.journal.insertFenced(
            change, fence: shard.fence, worker: shard.worker, maxChanges: shard.maxChanges)
    }

    /// Writes `run`'s row and, when it resumes a chain, loads what the chain recorded.
    public static func start(_ run: RunEntry, in journal: any Journal) async throws(JournalError) -> RunJournal {
        let prior = run.resumedFrom == nil ? [:] : try await journal.latestChanges(rootID: run.rootID)
        try await journal.begin(run)
        return RunJournal(journal: journal, run: run, prior: prior)
    }

    /// Records how the run ended, with what its API client counted (`api`, nil when it had none).
    public func finish(
        exitCode: Int32, stopReason: String?, report: RunReport, api: RunAPICounts? = nil
    ) async throws(JournalError) {
        let counts = Dictionary(uniqueKeysWithValues: report.counts.map { ($0.key.rawValue, $0.value) })
        try await journal.finish(runID: run.id, exitCode: exitCode, stopReason: stopReason, counts: counts, api: api)
    }

    /// The key of the next call changing `productID` with `ops` (JSON text).
    func key(productID: String, ops: String) -> String {
        let base = productID + " " + ops
        let count = occurrences.withLock { counts in
            counts[base, default: 0] += 1
            return counts[base]!
        }
        return count == 1 ? base : base + " #\(count)"
    }

    /// What the earlier runs of the chain last recorded under `key`.
    func prior(for key: String) -> ChangeEntry? { prior[key] }

    /// Settles (in the background) the `accepted` changes of this run's chain that wait on `monitorID`.
    func settle(monitorID: String, state: ChangeEntry.State, error: String?) {
        journal.settle(monitorID: monitorID, rootID: run.rootID, state: state, error: error)
    }
}
