import CMOSchedule
import Foundation
import Mustache

/// The body of a webhook for one ``ScheduleNotification``, in a target's ``NotifyFormat``: JSON from `JSONEncoder`,
/// Slack and Teams from the `notify_slack` and `notify_teams` templates. Every body is parsed as JSON before it is
/// returned, so a template mistake fails here, not at the receiver.
enum WebhookBody {
    /// Why a body could not be made.
    struct RenderError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// The templates, parsed once (after the JSON content type they name is registered).
    private static let library: Result<MustacheLibrary, RenderError> = {
        MustacheContentTypes.register(JSONStringContentType(), named: JSONStringContentType.name)
        do {
            var library = MustacheLibrary()
            try library.register(String(decoding: PackageResources.notify_slack_mustache, as: UTF8.self), named: "slack")
            try library.register(String(decoding: PackageResources.notify_teams_mustache, as: UTF8.self), named: "teams")
            return .success(library)
        } catch {
            return .failure(RenderError(description: "a notify template does not parse: \(error)"))
        }
    }()

    /// The body's bytes and content type.
    static func render(_ notification: ScheduleNotification, as format: NotifyFormat) throws(RenderError) -> [UInt8] {
        let text: String
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(Self.timeText(date))
            }
            do {
                return Array(try encoder.encode(notification))
            } catch {
                throw RenderError(description: "cannot encode the notification: \(error)")
            }
        case .slack:
            text = try template("slack", context(notification, escape: Self.slackEscape))
        case .teams:
            text = try template("teams", context(notification, escape: { $0 }))
        }
        guard (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil else {
            throw RenderError(description: "the \(format) template did not make valid JSON")
        }
        return Array(text.utf8)
    }

    /// `2026-12-02T04:15:00.123Z`: RFC 3339, UTC, milliseconds.
    static func timeText(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func template(_ name: String, _ context: [String: Any]) throws(RenderError) -> String {
        let library = try library.get()
        guard let text = library.render(context, withTemplate: name) else {
            throw RenderError(description: "no notify template '\(name)'")
        }
        return text
    }

    /// The template's values, each passed through `escape` (the format's own markup) before the template's JSON
    /// escaping.
    private static func context(_ notification: ScheduleNotification, escape: (String) -> String) -> [String: Any] {
        let (title, emoji, color): (String, String, String) =
            switch notification.event {
            case .failed: ("cmo job failed", ":x:", "D13438")
            case .guardTripped: ("cmo job stopped early", ":warning:", "FFB900")
            case .paused: ("cmo job paused", ":double_vertical_bar:", "D13438")
            case .recovered: ("cmo job recovered", ":white_check_mark:", "107C10")
            }
        let values: [String: String] = [
            "title": title, "emoji": emoji, "color": color, "job": notification.job,
            "event": notification.event.rawValue, "run_id": notification.runID ?? "-",
            "exit_code": notification.exitCode.map(String.init) ?? "-",
            "consecutive_failures": String(notification.consecutiveFailures),
            "time": timeText(notification.time), "summary": notification.summary,
            "reason": notification.reason ?? "",
        ]
        var context: [String: Any] = values.mapValues(escape)
        context["has_reason"] = notification.reason != nil
        return context
    }

    /// Slack's own escaping of `&`, `<` and `>` in message text.
    private static func slackEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
