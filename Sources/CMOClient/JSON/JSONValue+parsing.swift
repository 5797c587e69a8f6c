import NIOCore

extension JSONValue {
    /// Parses one JSON document from UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - bytes: The document.
    ///   - expecting: What the caller expected, for the error message (for example "a product object").
    /// - Throws: A `CMOError` of kind `.decoding` naming what was expected where, with a short, safe excerpt.
    public init(parsing bytes: some Collection<UInt8>, expecting: String = "a JSON document") throws(CMOError) {
        let result: Result<JSONValue, JSONParser.Failure>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(UnsafeRawBufferPointer(buffer)) }
        }
        switch result ?? Array(bytes).withUnsafeBytes({ raw in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(raw) }
        }) {
        case .success(let value):
            self = value
        case .failure(let failure):
            throw CMOError.malformedJSON(expecting: expecting, failure: failure, document: Array(bytes))
        }
    }

    /// Parses one JSON document from text.
    public init(parsing text: String, expecting: String = "a JSON document") throws(CMOError) {
        try self.init(parsing: Array(text.utf8), expecting: expecting)
    }

    /// Parses one JSON document from a NIO buffer without copying it.
    init(parsing buffer: ByteBuffer, expecting: String) throws(CMOError) {
        let result = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(raw) }
        }
        switch result {
        case .success(let value):
            self = value
        case .failure(let failure):
            throw CMOError.malformedJSON(
                expecting: expecting, failure: failure, document: Array(buffer.readableBytesView))
        }
    }
}
