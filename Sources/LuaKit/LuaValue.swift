/// A Lua value copied out of (or into) a state: plain data that can cross threads.
///
/// Tables convert to `.array` when their keys are exactly `1...n`, to `.object` when every key is a string;
/// an empty table is an `.object` unless it carries the `json.array` marker. `.null` is the `json.null`
/// sentinel, distinct from `.nil`. Integers and floats stay apart, as Lua 5.4's number subtypes do.
public enum LuaValue: Sendable, Equatable {
    case `nil`
    case null
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    /// A string that is valid UTF-8.
    case string(String)
    /// A string that is not valid UTF-8, kept byte for byte.
    case bytes([UInt8])
    case array([LuaValue])
    case object([String: LuaValue])
}

extension LuaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .nil }
}

extension LuaValue {
    /// The string, if this is a UTF-8 string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this is an integer or a float with an exact integer value.
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    /// The field `key` of an object, or `.nil`.
    public subscript(key: String) -> LuaValue {
        if case .object(let fields) = self { return fields[key] ?? .nil }
        return .nil
    }
}
