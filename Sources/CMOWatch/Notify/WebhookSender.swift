import AsyncHTTPClient
import CMOSchedule
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends the schedule's notifications to its `[[notify]]` webhooks, off the scheduler's path: ``send(_:)`` only
/// queues (a bounded queue; when it is full the newest notification is dropped and logged), one task of its own
/// POSTs them in order, each retried as ``WebhookRetryPolicy`` says. A webhook URL carries its secret in its path or
/// query, so a log line names it only as ``NotifyTarget/redactedURL``.
public final class WebhookSender: Sendable {
    /// Tuning; the defaults suit production.
    public struct Configuration: Sendable {
        /// When to try again.
        public var retry: WebhookRetryPolicy
        /// How many deliveries may wait; more are dropped.
        public var queueLimit: Int
        /// How long one attempt may take, connecting included (the client keeps retrying a refused connection until
        /// then).
        public var timeout: Duration

        public init(retry: WebhookRetryPolicy = WebhookRetryPolicy(), queueLimit: Int = 256, timeout: Duration = .seconds(10)) {
            self.retry = retry
            self.queueLimit = queueLimit
            self.timeout = timeout
        }
    }

    struct Delivery: Sendable {
        var notification: ScheduleNotification
        var target: NotifyTarget
    }

    /// The webhooks.
    public let targets: [NotifyTarget]
    private let queue: AsyncStream<Delivery>.Continuation
    private let worker: Task<Void, Never>
    private let logger: Logger

    /// Starts the sending task.
    ///
    /// - Parameters:
    ///   - client: the HTTP client (its own connection pool; `HTTPClient.shared` by default).
    ///   - logger: where deliveries and failures are logged (with `job`, `event`, `webhook` metadata).
    public init(
        targets: [NotifyTarget], configuration: Configuration = Configuration(), client: HTTPClient = .shared,
        logger: Logger
    ) {
        self.targets = targets
        self.logger = logger
        let (stream, queue) = AsyncStream.makeStream(
            of: Delivery.self, bufferingPolicy: .bufferingOldest(max(configuration.queueLimit, 1)))
        self.queue = queue
        worker = Task {
            for await delivery in stream {
                await Self.deliver(delivery, configuration: configuration, client: client, logger: logger)
            }
        }
    }

    /// Queues `notification` for every target that wants it; returns at once.
    public func send(_ notification: ScheduleNotification) {
        for target in targets where target.wants(notification) {
            if case .dropped = queue.yield(Delivery(notification: notification, target: target)) {
                logger.warning(
                    "webhook queue full; notification dropped",
                    metadata: Self.metadata(notification, target).merging(["summary": "\(notification.summary)"]) { $1 })
            }
        }
    }

    /// Stops taking notifications and waits for the queued ones, at most `limit`; then abandons what is left.
    public func finish(within limit: Duration) async {
        queue.finish()
        let worker = self.worker
        let timer = Task {
            try await Task.sleep(for: limit)
            worker.cancel()
        }
        await worker.value
        timer.cancel()
    }

    private static func metadata(_ notification: ScheduleNotification, _ target: NotifyTarget) -> Logger.Metadata {
        ["job": "\(notification.job)", "event": "\(notification.event)", "webhook": "\(target.redactedURL)"]
    }

    /// POSTs one notification to one target until it is delivered or the policy gives up.
    private static func deliver(
        _ delivery: Delivery, configuration: Configuration, client: HTTPClient, logger: Logger
    ) async {
        let metadata = metadata(delivery.notification, delivery.target)
        let body: [UInt8]
        do {
            body = try WebhookBody.render(delivery.notification, as: delivery.target.format)
        } catch {
            logger.error("cannot make the webhook's body: \(error)", metadata: metadata)
            return
        }
        var attempt = 1
        while !Task.isCancelled {
            let status = await post(body, to: delivery.target.url, client: client, timeout: configuration.timeout)
            switch configuration.retry.decide(attempt: attempt, status: status) {
            case .delivered:
                logger.info("webhook sent", metadata: metadata.merging(["status": "\(status ?? 0)", "attempts": "\(attempt)"]) { $1 })
                return
            case .giveUp(let reason):
                logger.error("webhook not delivered: \(reason)", metadata: metadata)
                return
            case .retry(let delay):
                logger.warning(
                    "webhook attempt \(attempt) failed (\(status.map { "HTTP \($0)" } ?? "no answer")); retrying",
                    metadata: metadata)
                try? await Task.sleep(for: delay)
                attempt += 1
            }
        }
        logger.error("webhook not delivered: the daemon stopped first", metadata: metadata)
    }

    /// One attempt: the answer's status, or nil when there was none.
    private static func post(_ body: [UInt8], to url: URL, client: HTTPClient, timeout: Duration) async -> Int? {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "cmo-schedule")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let (seconds, attoseconds) = timeout.components
            let limit = TimeAmount.milliseconds(seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
            let response = try await client.execute(request, timeout: limit)
            // Read (and drop) the answer's body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 << 10)
            return Int(response.status.code)
        } catch {
            return nil
        }
    }
}
