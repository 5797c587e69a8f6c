import NIOCore

/// Pre-rendered JSON with holes where the tenant's base URL (`<api_url>/<tenant>`) goes.
///
/// Products are rendered once per change; a request only splices in its base URL, so serving a product costs a
/// few memory copies.
struct JSONTemplate: Sendable, Equatable {
    let bytes: [UInt8]
    let splits: [Int]

    /// The size of the output for a base of `baseCount` bytes.
    func count(baseCount: Int) -> Int {
        bytes.count + splits.count * baseCount
    }

    /// Writes the template into `buffer`, splicing `base` into every hole.
    func write(into buffer: inout ByteBuffer, base: [UInt8]) {
        var start = 0
        for split in splits {
            buffer.writeBytes(bytes[start..<split])
            buffer.writeBytes(base)
            start = split
        }
        buffer.writeBytes(bytes[start...])
    }

    /// Appends the template to a byte array, splicing `base` into every hole.
    func write(into output: inout [UInt8], base: [UInt8]) {
        var start = 0
        for split in splits {
            output.append(contentsOf: bytes[start..<split])
            output.append(contentsOf: base)
            start = split
        }
        output.append(contentsOf: bytes[start...])
    }
}

extension JSONWriter {
    /// Writes a template as a value, carrying its holes over into this writer.
    mutating func raw(template: JSONTemplate) {
        let offset = bytes.count + (needsSeparatorForNextValue ? 1 : 0)
        raw(template.bytes)
        appendSplits(template.splits.map { $0 + offset })
    }
}
