import Foundation
import Testing

/// Compares a JSON response with an expected shape, field for field.
///
/// The shape is JSON. Objects must have exactly the same keys; arrays the same length, element by element, except
/// `["<each>", shape]`, which needs a non-empty array whose every element matches `shape`. Strings match
/// literally except these placeholders: `<string>` any string, `<digits>` a non-empty digit string,
/// `<date>` an ISO 8601 UTC timestamp with milliseconds, `<date-or-empty>` the same or "", `<uuid>` a
/// lower-case UUID. Numbers and booleans match literally, `"<number>"` any number.
enum ShapeMatcher {
    /// Records an issue for every mismatch.
    static func expect(_ actual: Any?, matches shapeJSON: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let shape = try JSONSerialization.jsonObject(with: Data(shapeJSON.utf8), options: [.fragmentsAllowed])
        var problems: [String] = []
        match(actual, shape, path: "$", problems: &problems)
        for problem in problems.prefix(20) {
            Issue.record("\(problem)", sourceLocation: sourceLocation)
        }
    }

    /// The mismatches, empty when `actual` matches.
    static func mismatches(_ actual: Any?, _ shapeJSON: String) throws -> [String] {
        let shape = try JSONSerialization.jsonObject(with: Data(shapeJSON.utf8), options: [.fragmentsAllowed])
        var problems: [String] = []
        match(actual, shape, path: "$", problems: &problems)
        return problems
    }

    private static func match(_ actual: Any?, _ shape: Any, path: String, problems: inout [String]) {
        switch shape {
        case let object as [String: Any]:
            guard let actual = actual as? [String: Any] else {
                problems.append("\(path): expected an object, got \(describe(actual))")
                return
            }
            for key in Set(object.keys).subtracting(actual.keys).sorted() { problems.append("\(path).\(key): missing") }
            for key in Set(actual.keys).subtracting(object.keys).sorted() { problems.append("\(path).\(key): unexpected field") }
            for (key, value) in object where actual[key] != nil {
                match(actual[key], value, path: "\(path).\(key)", problems: &problems)
            }
        case let array as [Any]:
            guard let actual = actual as? [Any] else {
                problems.append("\(path): expected an array, got \(describe(actual))")
                return
            }
            if array.count == 2, array[0] as? String == "<each>" {
                if actual.isEmpty { problems.append("\(path): expected a non-empty array") }
                for (index, element) in actual.enumerated() {
                    match(element, array[1], path: "\(path)[\(index)]", problems: &problems)
                }
                return
            }
            guard array.count == actual.count else {
                problems.append("\(path): expected \(array.count) elements, got \(actual.count)")
                return
            }
            for (index, element) in array.enumerated() {
                match(actual[index], element, path: "\(path)[\(index)]", problems: &problems)
            }
        case let text as String:
            matchString(actual, text, path: path, problems: &problems)
        case let number as NSNumber:
            guard let actualNumber = actual as? NSNumber, actualNumber == number,
                  isBool(actualNumber) == isBool(number)
            else {
                problems.append("\(path): expected \(number), got \(describe(actual))")
                return
            }
        default:
            if !(actual is NSNull) { problems.append("\(path): expected null, got \(describe(actual))") }
        }
    }

    private static func matchString(_ actual: Any?, _ expected: String, path: String, problems: inout [String]) {
        if expected == "<number>" {
            if !(actual is NSNumber) || isBool(actual as! NSNumber) { problems.append("\(path): expected a number, got \(describe(actual))") }
            return
        }
        guard let text = actual as? String else {
            problems.append("\(path): expected a string, got \(describe(actual))")
            return
        }
        let ok: Bool
        switch expected {
        case "<string>": ok = true
        case "<digits>": ok = !text.isEmpty && text.allSatisfy(\.isNumber)
        case "<date>": ok = isDate(text)
        case "<date-or-empty>": ok = text.isEmpty || isDate(text)
        case "<uuid>": ok = text.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil
        default: ok = text == expected
        }
        if !ok { problems.append("\(path): expected \(expected), got \"\(text)\"") }
    }

    private static func isDate(_ text: String) -> Bool {
        text.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil
    }

    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    private static func describe(_ value: Any?) -> String {
        guard let value else { return "nothing" }
        return "\(type(of: value)) \(value)"
    }
}
