/// Writes a ``LuaValue`` as JSON text: object keys sorted (so output is stable), floats in their shortest
/// round-tripping form with a fraction or exponent (so `1.0` stays a float), integers exactly.
public struct JSONWriter {
    /// Spaces per level, or `nil` for compact output.
    public var indent: Int?

    public init(indent: Int? = nil) {
        self.indent = indent
    }

    /// The JSON text of `value`.
    public func encode(_ value: LuaValue) throws(JSONEncodingError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        try write(value, into: &output, level: 0)
        return output
    }

    /// The JSON text of `value` as a string.
    public func string(_ value: LuaValue) throws(JSONEncodingError) -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    private func write(_ value: LuaValue, into output: inout [UInt8], level: Int) throws(JSONEncodingError) {
        switch value {
        case .nil, .null:
            output.append(contentsOf: "null".utf8)
        case .boolean(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number):
            output.append(contentsOf: String(number).utf8)
        case .number(let number):
            guard !number.isNaN else { throw JSONEncodingError("cannot encode NaN as JSON") }
            guard number.isFinite else { throw JSONEncodingError("cannot encode infinity as JSON") }
            output.append(contentsOf: number.description.utf8)
        case .string(let text):
            Self.writeString(text.utf8, into: &output)
        case .bytes:
            throw JSONEncodingError("cannot encode a string that is not valid UTF-8")
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                newline(&output, level: level + 1)
                try write(item, into: &output, level: level + 1)
            }
            if !items.isEmpty { newline(&output, level: level) }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            output.append(UInt8(ascii: "{"))
            for (offset, key) in fields.keys.sorted().enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                newline(&output, level: level + 1)
                Self.writeString(key.utf8, into: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                try write(fields[key]!, into: &output, level: level + 1)
            }
            if !fields.isEmpty { newline(&output, level: level) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ output: inout [UInt8], level: Int) {
        guard let indent else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ text: some Collection<UInt8>, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
