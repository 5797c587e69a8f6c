import Foundation

extension Duration {
    /// Parses a schedule-file duration: one or more `<number><unit>` pairs with units `s`, `m`,
    /// `h`, `d` (`"90s"`, `"30m"`, `"6h"`, `"2d"`, `"1h30m"`), or a bare number of seconds.
    /// Returns nil for anything else.
    public init?(scheduleText text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), trimmed.allSatisfy(\.isNumber) {
            self = .seconds(seconds)
            return
        }
        var total = 0
        var digits = ""
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let unit: Int
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3_600
            case "d": unit = 86_400
            default: return nil
            }
            guard let value = Int(digits) else { return nil }
            total += value * unit
            digits = ""
        }
        guard !trimmed.isEmpty, digits.isEmpty else { return nil }
        self = .seconds(total)
    }
}
