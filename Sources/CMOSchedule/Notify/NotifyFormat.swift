/// The body a `[[notify]]` webhook gets (`format = "json" | "slack" | "teams"`).
public enum NotifyFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The notification as a flat JSON object (the default).
    case json
    /// A Slack incoming-webhook message (`text` and blocks).
    case slack
    /// A Microsoft Teams incoming-webhook MessageCard.
    case teams

    public var description: String { rawValue }
}
