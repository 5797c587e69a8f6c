/// One RFC 6902 JSON Patch operation, as sent in a PATCH with `Content-Type: application/json-patch+json`.
public struct JSONPatchOperation: Sendable, Hashable {
    /// The operation.
    public enum Op: String, Sendable, Hashable, CaseIterable {
        case add, remove, replace, move, copy, test
    }

    /// What to do.
    public var op: Op
    /// A JSON Pointer, e.g. `/status`.
    public var path: String
    /// The value for `add`, `replace` and `test`.
    public var value: JSONValue?
    /// The source pointer for `move` and `copy`.
    public var from: String?

    public init(op: Op, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    /// `{"op":"replace","path":path,"value":value}`.
    public static func replace(_ path: String, with value: JSONValue) -> JSONPatchOperation {
        JSONPatchOperation(op: .replace, path: path, value: value)
    }

    /// `{"op":"test","path":path,"value":value}`: the whole patch fails unless the value is as given.
    public static func test(_ path: String, equals value: JSONValue) -> JSONPatchOperation {
        JSONPatchOperation(op: .test, path: path, value: value)
    }

    /// `{"op":"add","path":path,"value":value}`.
    public static func add(_ path: String, value: JSONValue) -> JSONPatchOperation {
        JSONPatchOperation(op: .add, path: path, value: value)
    }

    /// `{"op":"remove","path":path}`.
    public static func remove(_ path: String) -> JSONPatchOperation {
        JSONPatchOperation(op: .remove, path: path)
    }

    /// The tutorial's status change: replace `/status`.
    public static func setStatus(_ status: String) -> JSONPatchOperation {
        .replace("/status", with: .string(status))
    }

    /// Whether applying it twice has the same effect as once (`replace` and `test`).
    public var isIdempotent: Bool { op == .replace || op == .test }

    /// The operation as a JSON object.
    public var json: JSONValue {
        var object = JSONObject([(key: "op", value: .string(op.rawValue)), (key: "path", value: .string(path))])
        if let from { object["from"] = .string(from) }
        if let value { object["value"] = value }
        return .object(object)
    }

    /// Reads an operation from a JSON object such as `{"op":"replace","path":"/status","value":"ACTIVE"}`.
    public init(json: JSONValue) throws(CMOError) {
        guard let object = json.objectValue else {
            throw CMOError.invalidPatch("expected an object, got \(json.typeName)")
        }
        guard let name = object["op"]?.stringValue, let op = Op(rawValue: name) else {
            throw CMOError.invalidPatch(
                "'op' must be one of \(Op.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let path = object["path"]?.stringValue else { throw CMOError.invalidPatch("'path' must be a string") }
        let value = object["value"]
        if [.add, .replace, .test].contains(op), value == nil {
            throw CMOError.invalidPatch("'\(name)' needs a 'value'")
        }
        let from = object["from"]?.stringValue
        if [.move, .copy].contains(op), from == nil { throw CMOError.invalidPatch("'\(name)' needs a 'from'") }
        self.init(op: op, path: path, value: value, from: from)
    }

    /// Reads a list of operations from a JSON array (or a single object).
    public static func list(json: JSONValue) throws(CMOError) -> [JSONPatchOperation] {
        switch json {
        case .array(let elements):
            var operations: [JSONPatchOperation] = []
            for element in elements { operations.append(try JSONPatchOperation(json: element)) }
            return operations
        case .object:
            return [try JSONPatchOperation(json: json)]
        default:
            throw CMOError.invalidPatch("expected an array of operations, got \(json.typeName)")
        }
    }
}

extension CMOError {
    /// A patch operation given by the caller is not valid JSON Patch.
    static func invalidPatch(_ reason: String) -> CMOError {
        CMOError(kind: .configuration, message: "invalid JSON Patch operation: \(reason)")
    }
}
