import CLua
import CLuaShim

/// Reads JSON text straight onto a Lua stack, with no intermediate Swift values.
///
/// Integers without a fraction or exponent that fit in 64 bits become Lua integers; every other number becomes
/// a float (so an integer too large for 64 bits loses precision, as `tonumber` does); strings keep their bytes;
/// `null` becomes `json.null`; arrays get `json.array`'s marker so they stay arrays when emptied.
struct JSONReader {
    private let stack: LuaStack
    private let L: OpaquePointer
    private let start: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>
    private var cursor: UnsafePointer<UInt8>
    private var depth = 0
    private var scratch: [UInt8] = []
    private let memoryLimit: Int

    /// Decodes `text` and leaves one value on `stack`, or throws and leaves the stack as it was.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, onto stack: LuaStack) throws(JSONDecodingError) {
        let top = stack.top
        guard let base = text.baseAddress, !text.isEmpty else {
            throw JSONDecodingError(reason: "empty input", line: 1, column: 1)
        }
        var reader = JSONReader(stack: stack, base: base, count: text.count)
        let budget = stack.state.budget
        budget.pointee.in_host += 1
        defer { budget.pointee.in_host -= 1 }
        do throws(JSONDecodingError) {
            reader.skipSpace()
            try reader.value()
            reader.skipSpace()
            if reader.cursor != reader.end { throw reader.failure("unexpected \(reader.quoted()) after the value") }
        } catch {
            stack.top = top
            throw error
        }
    }

    private init(stack: LuaStack, base: UnsafePointer<UInt8>, count: Int) {
        self.stack = stack
        self.L = stack.L
        self.start = base
        self.end = base + count
        self.cursor = base
        self.memoryLimit = stack.state.limits.memoryLimit ?? .max
    }

    private mutating func skipSpace() {
        while cursor < end {
            switch cursor.pointee {
            case 0x20, 0x0A, 0x0D, 0x09: cursor += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONDecodingError) {
        guard cursor < end else { throw failure("unexpected end of input, expected a value") }
        switch cursor.pointee {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"):
            try literal("true")
            lua_pushboolean(L, 1)
        case UInt8(ascii: "f"):
            try literal("false")
            lua_pushboolean(L, 0)
        case UInt8(ascii: "n"):
            try literal("null")
            stack.pushNull()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw failure("unexpected \(quoted()), expected a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONDecodingError) {
        let count = word.utf8CodeUnitCount
        guard end - cursor >= count else { throw failure("unexpected \(quoted()), expected a value") }
        for offset in 0..<count where cursor[offset] != word.utf8Start[offset] {
            throw failure("unexpected \(quoted()), expected a value")
        }
        cursor += count
    }

    private mutating func enter() throws(JSONDecodingError) {
        depth += 1
        guard depth <= LuaStack.maximumDepth else {
            throw failure("nesting deeper than \(LuaStack.maximumDepth)")
        }
        guard lua_checkstack(L, 3) != 0 else { throw failure("nesting too deep for the Lua stack") }
        guard stack.state.memoryUsed <= memoryLimit else { throw failure("memory budget exceeded") }
    }

    private mutating func array() throws(JSONDecodingError) {
        try enter()
        cursor += 1
        lua_createtable(L, 0, 0)
        stack.pushReference(stack.state.anchors.arrayMarker)
        lua_setmetatable(L, -2)
        skipSpace()
        if cursor < end, cursor.pointee == UInt8(ascii: "]") {
            cursor += 1
            depth -= 1
            return
        }
        var index: lua_Integer = 1
        while true {
            skipSpace()
            try value()
            lua_rawseti(L, -2, index)
            index += 1
            skipSpace()
            guard cursor < end else { throw failure("unexpected end of input, expected ',' or ']'") }
            let byte = cursor.pointee
            cursor += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { break }
            cursor -= 1
            throw failure("unexpected \(quoted()), expected ',' or ']'")
        }
        depth -= 1
    }

    private mutating func object() throws(JSONDecodingError) {
        try enter()
        cursor += 1
        lua_createtable(L, 0, 0)
        skipSpace()
        if cursor < end, cursor.pointee == UInt8(ascii: "}") {
            cursor += 1
            depth -= 1
            return
        }
        while true {
            skipSpace()
            guard cursor < end, cursor.pointee == UInt8(ascii: "\"") else {
                throw failure(cursor < end ? "unexpected \(quoted()), expected a string key" : "unexpected end of input, expected a string key")
            }
            try string()
            skipSpace()
            guard cursor < end, cursor.pointee == UInt8(ascii: ":") else {
                throw failure(cursor < end ? "unexpected \(quoted()), expected ':'" : "unexpected end of input, expected ':'")
            }
            cursor += 1
            skipSpace()
            try value()
            lua_rawset(L, -3)
            skipSpace()
            guard cursor < end else { throw failure("unexpected end of input, expected ',' or '}'") }
            let byte = cursor.pointee
            cursor += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { break }
            cursor -= 1
            throw failure("unexpected \(quoted()), expected ',' or '}'")
        }
        depth -= 1
    }

    private mutating func string() throws(JSONDecodingError) {
        cursor += 1
        let first = cursor
        // Fast path: no escapes.
        while cursor < end {
            let byte = cursor.pointee
            if byte == UInt8(ascii: "\"") {
                first.withMemoryRebound(to: CChar.self, capacity: cursor - first) {
                    _ = lua_pushlstring(L, $0, cursor - first)
                }
                cursor += 1
                return
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("control character in string") }
            cursor += 1
        }
        guard cursor < end else { throw failure("unterminated string") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: first, count: cursor - first))
        while cursor < end {
            let byte = cursor.pointee
            cursor += 1
            switch byte {
            case UInt8(ascii: "\""):
                scratch.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
                }
                return
            case UInt8(ascii: "\\"):
                try escape()
            case 0..<0x20:
                cursor -= 1
                throw failure("control character in string")
            default:
                scratch.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func escape() throws(JSONDecodingError) {
        guard cursor < end else { throw failure("unterminated string") }
        let byte = cursor.pointee
        cursor += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard end - cursor >= 6, cursor[0] == UInt8(ascii: "\\"), cursor[1] == UInt8(ascii: "u") else {
                    throw failure("lone surrogate in \\u escape")
                }
                cursor += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid surrogate pair in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure("lone surrogate in \\u escape")
            }
            appendUTF8(scalar)
        default:
            cursor -= 1
            throw failure("invalid escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func hex4() throws(JSONDecodingError) -> UInt32 {
        guard end - cursor >= 4 else { throw failure("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = cursor.pointee
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            cursor += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private mutating func number() throws(JSONDecodingError) {
        let first = cursor
        var negative = false
        if cursor.pointee == UInt8(ascii: "-") {
            negative = true
            cursor += 1
        }
        let digitsStart = cursor
        var magnitude: UInt64 = 0
        var overflow = false
        while cursor < end, case let byte = cursor.pointee, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = sum
            cursor += 1
        }
        let digitCount = cursor - digitsStart
        guard digitCount > 0 else { throw failure("invalid number") }
        if digitCount > 1, digitsStart.pointee == UInt8(ascii: "0") {
            cursor = digitsStart + 1
            throw failure("leading zero in number")
        }
        var isFloat = false
        if cursor < end, cursor.pointee == UInt8(ascii: ".") {
            isFloat = true
            cursor += 1
            let fraction = cursor
            while cursor < end, cursor.pointee >= UInt8(ascii: "0"), cursor.pointee <= UInt8(ascii: "9") { cursor += 1 }
            guard cursor > fraction else { throw failure("invalid number: digits expected after '.'") }
        }
        if cursor < end, cursor.pointee == UInt8(ascii: "e") || cursor.pointee == UInt8(ascii: "E") {
            isFloat = true
            cursor += 1
            if cursor < end, cursor.pointee == UInt8(ascii: "+") || cursor.pointee == UInt8(ascii: "-") { cursor += 1 }
            let exponent = cursor
            while cursor < end, cursor.pointee >= UInt8(ascii: "0"), cursor.pointee <= UInt8(ascii: "9") { cursor += 1 }
            guard cursor > exponent else { throw failure("invalid number: digits expected in exponent") }
        }
        if !isFloat, !overflow {
            if !negative, magnitude <= UInt64(Int64.max) {
                lua_pushinteger(L, lua_Integer(magnitude))
                return
            }
            if negative, magnitude <= UInt64(Int64.max) + 1 {
                lua_pushinteger(L, magnitude == UInt64(Int64.max) + 1 ? .min : -lua_Integer(magnitude))
                return
            }
        }
        let text = String(decoding: UnsafeBufferPointer(start: first, count: cursor - first), as: UTF8.self)
        guard let value = Double(text) else { throw failure("invalid number") }
        lua_pushnumber(L, value)
    }

    private func quoted() -> String {
        guard cursor < end else { return "end of input" }
        let byte = cursor.pointee
        if byte >= 0x20, byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func failure(_ reason: String) -> JSONDecodingError {
        var line = 1
        var column = 1
        var p = start
        while p < cursor && p < end {
            if p.pointee == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            p += 1
        }
        return JSONDecodingError(reason: reason, line: line, column: column)
    }
}
