import Foundation

/// One `[[notify]]` table of a schedule file: a webhook and what it is sent for.
///
/// ```toml
/// [[notify]]
/// url = "https://hooks.slack.com/services/T000/B000/XXXX"
/// format = "slack"
/// on = ["failed", "paused"]
/// jobs = ["nightly-report"]
/// ```
public struct NotifyTarget: Sendable, Equatable {
    /// `url`: where the webhook is POSTed (http or https). Its path and query may hold a secret: log only
    /// ``redactedURL``.
    public var url: URL
    /// `format`: the body's shape (default json).
    public var format: NotifyFormat
    /// `on`: the events sent (default all).
    public var events: Set<NotifyEvent>
    /// `jobs`: only these jobs' events (nil: every job's).
    public var jobs: Set<String>?
    /// The line of the `[[notify]]` header, when it came from a file.
    public var line: Int?

    public init(
        url: URL, format: NotifyFormat = .json, events: Set<NotifyEvent> = Set(NotifyEvent.allCases),
        jobs: Set<String>? = nil, line: Int? = nil
    ) {
        self.url = url
        self.format = format
        self.events = events
        self.jobs = jobs
        self.line = line
    }

    /// Whether this target is sent `notification`.
    public func wants(_ notification: ScheduleNotification) -> Bool {
        events.contains(notification.event) && (jobs?.contains(notification.job) ?? true)
    }

    /// `scheme://host[:port]/…`: the URL without its path, query or user info, which may carry a secret
    /// (Slack and Teams webhooks keep theirs in the path). The only form of the URL fit for a log line.
    public var redactedURL: String {
        Self.redact(url)
    }

    /// `scheme://host[:port]/…` of `url` (see ``redactedURL``).
    public static func redact(_ url: URL) -> String {
        let scheme = url.scheme ?? "?"
        let host = url.host ?? "?"
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/…"
    }
}
