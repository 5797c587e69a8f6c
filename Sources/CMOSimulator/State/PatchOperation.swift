/// One supported JSON Patch (RFC 6902) operation on a status-bearing sub-product.
struct PatchOperation: Sendable, Equatable {
    enum Kind: String, Sendable {
        case replace
        case test
    }

    /// The writable (and testable) members.
    enum Field: String, Sendable, CaseIterable {
        case status
        case simNotes
        /// Jasper only: the offering's name (the bundle's `productOffering.name`).
        case productOffering
        /// Jasper only: characteristics of the SIM card.
        case communicationPlan
        case modemId

        /// Longest value accepted, in bytes.
        var maxLength: Int {
            switch self {
            case .status: 64
            case .simNotes: 1000
            case .productOffering, .communicationPlan: 100
            case .modemId: 64
            }
        }
    }

    var kind: Kind
    var field: Field
    var value: String

    /// JSON of the operation as the monitor echoes it.
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("op", kind.rawValue)
        writer.field("path", "/" + field.rawValue)
        writer.field("value", value)
        writer.endObject()
    }
}

/// Why a patch document was rejected before looking at any product (always 400): every problem found, each with
/// the JSON Pointer of the operation it is about (empty for the document itself).
struct PatchParseError: Error, Equatable, CustomStringConvertible {
    var issues: [(path: String, message: String)]

    init(description: String, path: String = "") {
        issues = [(path, description)]
    }

    init(issues: [(path: String, message: String)]) {
        self.issues = issues
    }

    /// A one-line summary: the only problem, or the first and how many more.
    var description: String {
        guard let first = issues.first else { return "The document is invalid." }
        return issues.count == 1 ? first.message : "\(issues.count) operations are invalid: \(first.message) (and \(issues.count - 1) more)"
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.issues.map(\.path) == rhs.issues.map(\.path) && lhs.issues.map(\.message) == rhs.issues.map(\.message)
    }
}

extension PatchOperation {
    /// Every op name RFC 6902 defines; the ones not supported get a clearer message than unknown ones.
    private static let rfcOperations: Set<String> = ["add", "remove", "replace", "move", "copy", "test"]

    /// Members a client can read but never write.
    private static let readOnlyMembers: Set<String> = [
        "id", "href", "isBundle", "productCharacteristic", "customProperty", "@baseType", "@type",
        "dateActivated", "dateAdded", "dateUpdated", "euiccid", "globalSimType", "ICCID", "imei", "IMSI",
        "MSISDN", "serialNumber", "name", "latitude", "longitude", "model", "state", "mobilityType", "imoNumber",
        "mmsi", "antennaCode", "lastUpdated", "lastSync", "correlationId", "productRelationship", "relatedParty",
    ]

    /// Parses an RFC 6902 document, accepting only `replace`/`test` of `/status`, `/simNotes` and Jasper's
    /// `/productOffering`, `/communicationPlan`, `/modemId` (whether the backend allows them is the state's call).
    static func parseDocument(_ body: [UInt8]) throws(PatchParseError) -> [PatchOperation] {
        guard let document = StrictJSON.decode(body) else {
            throw PatchParseError(description: "The body is not valid JSON.")
        }
        guard case .array(let elements) = document else {
            throw PatchParseError(description: "A JSON Patch document must be an array of operations, got \(document.typeName).")
        }
        guard !elements.isEmpty else {
            throw PatchParseError(description: "The JSON Patch document holds no operation.")
        }
        guard elements.count <= 100 else {
            throw PatchParseError(description: "The JSON Patch document holds more than 100 operations.")
        }
        var operations: [PatchOperation] = []
        var issues: [(path: String, message: String)] = []
        for (index, element) in elements.enumerated() {
            do {
                operations.append(try parse(element, index: index))
            } catch {
                issues += error.issues.map { ("/\(index)", $0.message) }
            }
        }
        guard issues.isEmpty else { throw PatchParseError(issues: issues) }
        return operations
    }

    private static func parse(_ element: JSONValue, index: Int) throws(PatchParseError) -> PatchOperation {
        guard case .object(let members) = element else {
            throw PatchParseError(description: "Operation \(index) must be an object, got \(element.typeName).")
        }
        guard let opValue = members["op"] else {
            throw PatchParseError(description: "Operation \(index) has no 'op' member.")
        }
        guard let op = opValue.stringValue else {
            throw PatchParseError(description: "Operation \(index): 'op' must be a string.")
        }
        guard let kind = Kind(rawValue: op) else {
            if rfcOperations.contains(op) {
                throw PatchParseError(description: "Operation \(index): op '\(op)' is not supported; use 'replace' or 'test'.")
            }
            throw PatchParseError(description: "Operation \(index): unknown op '\(op)'.")
        }
        guard let pathValue = members["path"] else {
            throw PatchParseError(description: "Operation \(index) has no 'path' member.")
        }
        guard let path = pathValue.stringValue else {
            throw PatchParseError(description: "Operation \(index): 'path' must be a string.")
        }
        let tokens = try pointerTokens(path, index: index)
        guard tokens.count == 1, let field = Field(rawValue: tokens[0]) else {
            if let first = tokens.first, readOnlyMembers.contains(first) {
                throw PatchParseError(description: "Operation \(index): path '\(path)' is read-only.")
            }
            throw PatchParseError(description: "Operation \(index): path '\(path)' does not exist; writable paths are /status, /simNotes, /productOffering, /communicationPlan and /modemId.")
        }
        guard let value = members["value"] else {
            throw PatchParseError(description: "Operation \(index) has no 'value' member.")
        }
        guard let text = value.stringValue else {
            throw PatchParseError(description: "Operation \(index): 'value' of \(path) must be a string, got \(value.typeName).")
        }
        guard text.utf8.count <= field.maxLength else {
            throw PatchParseError(description: "Operation \(index): 'value' of \(path) is too long.")
        }
        return PatchOperation(kind: kind, field: field, value: text)
    }

    /// Splits an RFC 6901 JSON Pointer into its unescaped reference tokens.
    static func pointerTokens(_ pointer: String, index: Int) throws(PatchParseError) -> [String] {
        guard pointer.hasPrefix("/") else {
            throw PatchParseError(description: "Operation \(index): path '\(pointer)' is not a JSON Pointer (it must start with '/').")
        }
        var tokens: [String] = []
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                if character == "~" {
                    switch iterator.next() {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default:
                        throw PatchParseError(description: "Operation \(index): path '\(pointer)' has a bad escape ('~' must be followed by 0 or 1).")
                    }
                } else {
                    token.append(character)
                }
            }
            tokens.append(token)
        }
        return tokens
    }
}
