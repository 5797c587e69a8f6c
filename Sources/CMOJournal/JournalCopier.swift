import Foundation

/// Copies a SQLite journal into a PostgreSQL one (`cmo journal copy`): every run with its changes and every schedule
/// job record, keeping ids, times and states.
///
/// Runs go in the order they were begun, in batches (a few hundred runs, or a few thousand changes), each batch with
/// its changes in one transaction: a copy cut short leaves whole runs behind, and `merge` finishes it. The target must
/// have no runs, unless `merge`: then the runs it has (by id) are left out with their changes, and the changes
/// copied take new ids. Schedule job records the target has are kept as they are.
public struct JournalCopier: Sendable {
    /// How much one transaction carries.
    public struct BatchSize: Sendable, Equatable {
        /// At most this many runs...
        public var runs: Int
        /// ...and this many changes (a run with more goes alone).
        public var changes: Int

        public init(runs: Int = 200, changes: Int = 5_000) {
            self.runs = max(1, runs)
            self.changes = max(1, changes)
        }
    }

    /// What a copy did.
    public struct Report: Sendable, Equatable {
        /// Runs and changes inserted into the target.
        public var runs = 0
        public var changes = 0
        /// Schedule job records inserted, and those the target had already (kept).
        public var scheduleJobs = 0
        public var scheduleJobsKept = 0
        /// Runs the target had already (`merge`), left out with their changes.
        public var runsSkipped = 0
        /// Transactions committed.
        public var batches = 0

        public init() {}
    }

    /// Why a copy did not start.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The target has runs already and `merge` was not given.
        case targetNotEmpty(location: String, runs: Int)
        /// A journal could not be read or written.
        case journal(JournalError)

        public var description: String {
            switch self {
            case .targetNotEmpty(let location, let runs):
                "the journal at \(location) has \(runs) run\(runs == 1 ? "" : "s") already: copy into an empty "
                    + "journal, or give --merge to copy only the runs it does not have"
            case .journal(let error): error.message
            }
        }
    }

    public let source: SQLiteJournal
    public let target: PostgresJournal
    public var merge: Bool
    public var batchSize: BatchSize

    public init(from source: SQLiteJournal, to target: PostgresJournal, merge: Bool = false, batchSize: BatchSize = BatchSize()) {
        self.source = source
        self.target = target
        self.merge = merge
        self.batchSize = batchSize
    }

    /// Copies everything; `progress` sees the report after each batch.
    public func copy(progress: (Report) -> Void = { _ in }) async throws(Failure) -> Report {
        do {
            let present = try await target.runCount()
            if present > 0 && !merge { throw Failure.targetNotEmpty(location: target.location, runs: present) }
            var report = Report()
            var after: Int64 = 0
            while true {
                let page = try source.exportRuns(after: after, limit: batchSize.runs)
                guard let last = page.last else { break }
                for batch in batches(of: page) {
                    let source = self.source
                    let done = try await target.insertCopied(runs: batch, merge: merge) { runIDs, after throws(JournalError) in
                        try source.exportChanges(ofRuns: runIDs, after: after, limit: 1_000)
                    }
                    report.runs += done.runs
                    report.changes += done.changes
                    report.runsSkipped += done.skipped
                    report.batches += 1
                    progress(report)
                }
                after = last.rowID
            }
            if !merge { try await target.advanceChangeIDs() }
            let jobs = try source.exportScheduleJobs()
            report.scheduleJobs = try await target.insertCopied(scheduleJobs: jobs)
            report.scheduleJobsKept = jobs.count - report.scheduleJobs
            return report
        } catch let failure as Failure {
            throw failure
        } catch let error as JournalError {
            throw .journal(error)
        } catch {
            throw .journal(JournalError(.storage, "\(error)"))
        }
    }

    /// `page` cut into batches of at most ``BatchSize/changes`` changes (a larger run alone).
    func batches(of page: [SQLiteJournal.ExportedRun]) -> [[SQLiteJournal.ExportedRun]] {
        var batches: [[SQLiteJournal.ExportedRun]] = []
        var current: [SQLiteJournal.ExportedRun] = []
        var changes = 0
        for run in page {
            if !current.isEmpty && changes + run.changeCount > batchSize.changes {
                batches.append(current)
                current = []
                changes = 0
            }
            current.append(run)
            changes += run.changeCount
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
