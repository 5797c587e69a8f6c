import CMOJournal
import Foundation
import Logging

/// The schedule file's `retention`: prunes the journal's runs older than it once at start and then daily, on a
/// task of its own (see ``Journal/prune(endedBefore:dryRun:)`` for what is kept).
struct JournalPruner: Sendable {
    private let task: Task<Void, Never>

    /// Starts pruning `journal`; nil when there is no retention.
    static func start(journal: any Journal, retention: Duration?, every interval: Duration = .seconds(86_400), logger: Logger)
        -> JournalPruner?
    {
        guard let retention else { return nil }
        return JournalPruner(task: Task {
            while !Task.isCancelled {
                await prune(journal, retention: retention, logger: logger)
                try? await Task.sleep(for: interval)
            }
        })
    }

    func cancel() {
        task.cancel()
    }

    private static func prune(_ journal: any Journal, retention: Duration, logger: Logger) async {
        let cut = Date().addingTimeInterval(-Double(retention.components.seconds))
        do {
            let result = try await journal.prune(endedBefore: cut)
            logger.info(
                "journal pruned",
                metadata: [
                    "runs": "\(result.runs)", "changes": "\(result.changes)", "kept": "\(result.kept)",
                    "ended_before": "\(cut.formatted(.iso8601))",
                ])
        } catch {
            logger.error("cannot prune the journal: \(error)")
        }
    }
}
