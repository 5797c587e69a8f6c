import Foundation
import Mustache

/// A mustache content type for JSON templates: `{{value}}` inside a JSON string literal comes out as that string's
/// contents, escaped by Foundation's `JSONEncoder` (quotes, backslashes, control characters), so no value can
/// break out of its string. Selected with `{{% CONTENT_TYPE: JSON}}` at the top of a template.
struct JSONStringContentType: MustacheContentType {
    static let name = "JSON"

    func escapeText(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        guard let data = try? encoder.encode(text) else { return "" }
        // The encoding of a string is the string in quotes: keep what is between them.
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
