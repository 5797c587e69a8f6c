/// A minimal streaming JSON writer that keeps keys in the order they are written.
///
/// The simulator writes its bodies by hand so that the field order matches the real service, the output is
/// identical for identical state, and the hot path costs a few appends instead of an encoder run.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Offsets where the tenant's base URL is to be spliced in (see ``JSONTemplate``).
    private(set) var splits: [Int] = []
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `"name":` — the next value call writes the value.
    mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
        pendingValueAfterKey = true
    }

    mutating func string(_ value: String) {
        separate()
        appendString(value)
    }

    mutating func number(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func number(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes already-encoded JSON as a value.
    mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
    }

    /// Writes a string-valued member.
    mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        number(value)
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// Writes a string value made of the tenant's base URL (spliced in later) followed by `suffix`,
    /// e.g. `"<api_url>/eos/product/ID"` for the suffix `/product/ID`.
    mutating func link(_ suffix: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        splits.append(bytes.count)
        Self.escape(suffix, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A member whose value is a link (see ``link(_:)``).
    mutating func linkField(_ name: String, _ suffix: String) {
        key(name)
        link(suffix)
    }

    /// The output as a template whose links still need the base URL.
    var template: JSONTemplate {
        JSONTemplate(bytes: bytes, splits: splits)
    }

    private var pendingValueAfterKey = false

    /// Whether the next value will be preceded by a comma.
    var needsSeparatorForNextValue: Bool {
        !pendingValueAfterKey && needsComma[needsComma.count - 1]
    }

    mutating func appendSplits(_ offsets: [Int]) {
        splits.append(contentsOf: offsets)
    }

    private mutating func separate() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
            needsComma[needsComma.count - 1] = true
            return
        }
        if needsComma[needsComma.count - 1] {
            bytes.append(UInt8(ascii: ","))
        } else {
            needsComma[needsComma.count - 1] = true
        }
    }

    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        Self.escape(value, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the JSON-escaped UTF-8 of `value` (without quotes).
    static func escape(_ value: String, into bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
    }
}
