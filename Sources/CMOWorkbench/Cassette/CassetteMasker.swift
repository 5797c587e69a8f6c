import Foundation

/// Replaces chosen fields' values consistently across a cassette (`--mask iccid,msisdn`): first every entry is read, then each value a JSON member
/// of that name holds (or a `{"name": "ICCID", "value": ...}` characteristic) gets a stand-in of the same length,
/// and every later occurrence of that value (in targets, product ids, hrefs, bodies) gets the same stand-in.
struct CassetteMasker {
    /// The field names, lowercased.
    let fields: Set<String>
    private var standIns: [String: String] = [:]

    init(fields: [String]) {
        self.fields = Set(fields.map { $0.lowercased() })
    }

    /// Learns the values to mask from `entry`'s bodies.
    mutating func learn(from entry: CassetteEntry) {
        guard !fields.isEmpty else { return }
        for text in [entry.body, entry.requestBody ?? ""] where !text.isEmpty {
            if let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
                learn(json)
            }
        }
    }

    /// `entry` with every value learned replaced.
    func mask(_ entry: CassetteEntry) -> CassetteEntry {
        guard !standIns.isEmpty else { return entry }
        var masked = entry
        masked.target = replace(in: entry.target)
        masked.body = replace(in: entry.body)
        masked.requestBody = entry.requestBody.map { replace(in: $0) }
        masked.headers = entry.headers.map { $0.map { replace(in: $0) } }
        return masked
    }

    private mutating func learn(_ json: Any) {
        if let object = json as? [String: Any] {
            for (key, value) in object {
                if fields.contains(key.lowercased()), let text = value as? String { standIn(for: text) }
                learn(value)
            }
            if let name = object["name"] as? String, fields.contains(name.lowercased()),
                let value = object["value"] as? String
            {
                standIn(for: value)
            }
        } else if let array = json as? [Any] {
            for item in array { learn(item) }
        }
    }

    @discardableResult
    private mutating func standIn(for value: String) -> String {
        if let known = standIns[value] { return known }
        let number = String(standIns.count + 1)
        let allDigits = !value.isEmpty && value.allSatisfy(\.isASCII) && value.allSatisfy(\.isNumber)
        let prefix = allDigits ? "0" : "masked"
        var standIn = prefix + String(repeating: allDigits ? "0" : "-", count: max(0, value.count - prefix.count - number.count)) + number
        if standIns.values.contains(standIn) || standIn.count < number.count { standIn = "masked-" + number }
        standIns[value] = standIn
        return standIn
    }

    /// `text` with every known value, as a whole run of letters and digits, replaced by its stand-in.
    private func replace(in text: String) -> String {
        guard !standIns.isEmpty else { return text }
        var out = ""
        var run = ""
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber) {
                run.append(character)
            } else {
                out += standIns[run] ?? run
                run = ""
                out.append(character)
            }
        }
        out += standIns[run] ?? run
        return out
    }
}
