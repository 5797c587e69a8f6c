import CMOJournal
import CMOSchedule
import CMOWatch
import Foundation
import Logging

/// Carries the schedule's notifications out: reads the daemon's events (it is their one reader), asks
/// ``NotificationDecision`` what to tell, and hands that to the ``WebhookSender``, which sends on a task of its own so
/// that the daemon never waits for a webhook.
actor NotificationRelay {
    private var decision: NotificationDecision
    private let sender: WebhookSender
    private let journal: any Journal
    private var reader: Task<Void, Never>?

    private init(decision: NotificationDecision, sender: WebhookSender, journal: any Journal) {
        self.decision = decision
        self.sender = sender
        self.journal = journal
    }

    /// Starts relaying `events` to `targets`; nil when the file has no `[[notify]]`. The jobs' records in `store`
    /// tell which jobs were failing before this start (so their next success is a recovery); `journal` has each
    /// run's stop reason.
    static func start(
        targets: [NotifyTarget], jobs: [ScheduledJob], store: any ScheduleStateStore, journal: any Journal,
        events: AsyncStream<ScheduleEvent>, logger: Logger
    ) async -> NotificationRelay? {
        guard !targets.isEmpty else { return nil }
        var records: [JobRecord] = []
        for job in jobs {
            if let record = try? await store.load(job: job.name) { records.append(record) }
        }
        let relay = NotificationRelay(
            decision: NotificationDecision(records: records), sender: WebhookSender(targets: targets, logger: logger),
            journal: journal)
        await relay.read(events)
        for target in targets {
            logger.info(
                "notifying \(target.redactedURL)",
                metadata: [
                    "format": "\(target.format)", "on": "\(target.events.map(\.rawValue).sorted().joined(separator: ","))",
                    "jobs": "\(target.jobs.map { $0.sorted().joined(separator: ",") } ?? "*")",
                ])
        }
        return relay
    }

    private func read(_ events: AsyncStream<ScheduleEvent>) {
        reader = Task {
            for await event in events { await self.observe(event) }
        }
    }

    private func observe(_ event: ScheduleEvent) async {
        for var notification in decision.observe(event, at: Date()) {
            if notification.event != .recovered, let runID = notification.runID {
                notification.reason = try? await journal.run(runID).stopReason
            }
            sender.send(notification)
        }
    }

    /// The daemon was told to stop: runs it stops are no failures.
    func shutdownBegan() {
        decision.shutdownBegan()
    }

    /// After the daemon stopped: reads its last events, then waits at most `limit` for the webhooks still queued.
    func finish(within limit: Duration = .seconds(10)) async {
        await reader?.value
        await sender.finish(within: limit)
    }
}
