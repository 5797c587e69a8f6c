extension CronExpression {
    /// Parses one field: a comma-separated list of `*`, `N`, `A-B`, each optionally `/STEP`.
    static func parseField(_ text: String, as field: CronField) throws(CronExpressionError) -> CronValueSet {
        var set = CronValueSet()
        set.isWildcard = text.hasPrefix("*")
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw .emptyItem(in: field) }
            let pieces = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let base = String(pieces[0])
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]) else { throw .stepNotANumber(String(pieces[1]), in: field) }
                guard parsed > 0 else { throw .nonPositiveStep(in: field) }
                step = parsed
            }
            let low: Int
            var high: Int
            if base == "*" {
                low = field.range.lowerBound
                high = field.range.upperBound
            } else if let dash = base.firstIndex(of: "-"), dash != base.startIndex {
                let lowText = String(base[..<dash])
                let highText = String(base[base.index(after: dash)...])
                low = try value(lowText, in: field)
                high = try value(highText, in: field)
                guard low <= high else { throw .backwardsRange(base, in: field) }
            } else {
                low = try value(base, in: field)
                // `5/15` means from 5 to the field's maximum in steps of 15.
                high = pieces.count == 2 ? field.range.upperBound : low
            }
            if field == .dayOfWeek, base == "*" { high = 6 }
            for member in stride(from: low, through: high, by: step) {
                set.insert(field == .dayOfWeek && member == 7 ? 0 : member)
            }
        }
        return set
    }

    /// One number or name, checked against the field's range.
    private static func value(_ text: String, in field: CronField) throws(CronExpressionError) -> Int {
        if let number = Int(text), text.allSatisfy(\.isASCII) {
            guard field.range.contains(number) else { throw .outOfRange(number, in: field) }
            return number
        }
        if let first = text.first, first.isLetter, !field.names.isEmpty {
            guard let named = field.names[text.uppercased()] else { throw .unknownName(text, in: field) }
            return named
        }
        throw .notANumber(text, in: field)
    }
}
