import NIOHTTP1

/// Removes secrets from what the client logs or puts in errors.
///
/// Headers: `Authorization` (and `Proxy-Authorization`, `Cookie`). Form and JSON bodies: `client_secret`,
/// `access_token`, `id_token`, `refresh_token`. Excerpts: long token-like runs of characters.
enum Redactor {
    static let placeholder = "<redacted>"

    /// Keys whose values are secret, in form and JSON bodies.
    static let secretKeys: Set<String> = ["client_secret", "access_token", "id_token", "refresh_token", "password"]

    private static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// The headers as `name: value` lines, with credentials replaced (the auth scheme is kept).
    static func redact(headers: HTTPHeaders) -> [String] {
        headers.map { name, value in
            guard secretHeaders.contains(name.lowercased()) else { return "\(name): \(value)" }
            if let space = value.firstIndex(of: " ") {
                return "\(name): \(value[..<space]) \(placeholder)"
            }
            return "\(name): \(placeholder)"
        }
    }

    /// A body for a debug log: secrets replaced, at most `limit` bytes shown.
    static func redact(body: [UInt8], contentType: String?, limit: Int = 4096) -> String {
        guard !body.isEmpty else { return "" }
        let type = contentType?.lowercased() ?? ""
        let text: String
        if type.contains("x-www-form-urlencoded") {
            text = redact(form: String(decoding: body, as: UTF8.self))
        } else if let json = try? JSONValue(parsing: body) {
            text = redact(json: json).serialized()
        } else {
            text = scrubTokenLikeRuns(printable(body))
        }
        if text.utf8.count <= limit { return text }
        return String(decoding: text.utf8.prefix(limit), as: UTF8.self) + "… (\(text.utf8.count) bytes)"
    }

    /// A form body with secret fields' values replaced.
    static func redact(form: String) -> String {
        form.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first, secretKeys.contains(String(key).lowercased()) else { return String(pair) }
            return "\(key)=\(placeholder)"
        }.joined(separator: "&")
    }

    /// A JSON value with secret members' values replaced, at any depth.
    static func redact(json: JSONValue) -> JSONValue {
        switch json {
        case .object(let object):
            return .object(
                JSONObject(
                    object.map { member in
                        secretKeys.contains(member.key.lowercased())
                            ? (key: member.key, value: .string(placeholder))
                            : (key: member.key, value: redact(json: member.value))
                    }))
        case .array(let elements):
            return .array(elements.map(redact(json:)))
        default:
            return json
        }
    }

    /// A short excerpt of `bytes` around `offset`: printable ASCII only, token-like runs replaced.
    static func excerpt(of bytes: [UInt8], around offset: Int, radius: Int = 30) -> String {
        guard !bytes.isEmpty else { return "an empty body" }
        let start = max(0, min(offset, bytes.count) - radius)
        let end = min(bytes.count, max(offset, 0) + radius)
        var text = scrubTokenLikeRuns(printable(bytes[start..<end]))
        if start > 0 { text = "…" + text }
        if end < bytes.count { text += "…" }
        return "'\(text)'"
    }

    /// Bytes as text with anything but printable ASCII shown as `.`.
    private static func printable(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    }

    /// Replaces runs of 32 or more base64url/JWT characters (which look like tokens or secrets) with the placeholder.
    static func scrubTokenLikeRuns(_ text: String) -> String {
        var result = ""
        var run = ""
        func flush() {
            result += run.count >= 32 && run.contains(where: { !$0.isNumber }) ? placeholder : run
            run = ""
        }
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber || "-_.=+/".contains(character)) {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
