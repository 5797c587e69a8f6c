/// Random identifiers for responses: correlation ids (UUID v4 text) and trace ids (32 hex digits).
enum Identifiers {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A random, lower-case UUID v4, as the CMO API's `correlationId`.
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        let a = generator.next() as UInt64
        let b = generator.next() as UInt64
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A random 128-bit trace id as 32 lower-case hex digits.
    static func traceID() -> String {
        var generator = SystemRandomNumberGenerator()
        return hexString(generator.next() as UInt64) + hexString(generator.next() as UInt64)
    }

    /// `count` random bytes, base64url-encoded without padding.
    static func randomBase64URL(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64URL.encode(bytes)
    }

    private static func hexString(_ value: UInt64) -> String {
        var text = [UInt8]()
        text.reserveCapacity(16)
        for shift in stride(from: 60, through: 0, by: -4) {
            text.append(hex[Int((value >> UInt64(shift)) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
