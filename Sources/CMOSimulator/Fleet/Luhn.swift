/// The Luhn (mod 10) check digit used by ICCIDs and IMEIs.
enum Luhn {
    /// The check digit to append to `digits` (a string of ASCII digits).
    static func checkDigit(for digits: String) -> Int {
        var sum = 0
        // The digit left of the check digit is doubled, then every second one moving left.
        for (offset, byte) in digits.utf8.reversed().enumerated() {
            var value = Int(byte) - 48
            if offset % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return (10 - sum % 10) % 10
    }

    /// Whether the last digit of `number` is its valid Luhn check digit.
    static func isValid(_ number: String) -> Bool {
        guard number.count >= 2, number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        let body = String(number.dropLast())
        return checkDigit(for: body) == Int(number.utf8.last! - 48)
    }

    /// `digits` followed by its check digit.
    static func complete(_ digits: String) -> String {
        digits + String(checkDigit(for: digits))
    }
}
