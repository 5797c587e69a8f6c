import NIOHTTP1

/// One change of a sub-product's `customProperty` list, sent with `Content-Type: application/json-patch-query+json`
/// (`{"op":"add","path":"customProperty","value":{"name":"site","value":"Bonn"}}`).
public struct CustomPropertyOperation: Sendable, Hashable {
    /// What to do with the property.
    public enum Op: String, Sendable, Hashable {
        case add, replace, remove
    }

    /// What to do.
    public var op: Op
    /// The property's name.
    public var name: String
    /// The new value (`nil` for `remove`).
    public var value: String?

    public init(op: Op, name: String, value: String? = nil) {
        self.op = op
        self.name = name
        self.value = value
    }

    /// Adds the property (the real service adds; some set by name).
    public static func add(_ name: String, value: String) -> CustomPropertyOperation {
        CustomPropertyOperation(op: .add, name: name, value: value)
    }

    /// Replaces the property's value.
    public static func replace(_ name: String, value: String) -> CustomPropertyOperation {
        CustomPropertyOperation(op: .replace, name: name, value: value)
    }

    /// Removes the property.
    public static func remove(_ name: String) -> CustomPropertyOperation {
        CustomPropertyOperation(op: .remove, name: name)
    }

    /// The operation as JSON.
    public var json: JSONValue {
        var property = JSONObject([(key: "name", value: .string(name))])
        if let value { property["value"] = .string(value) }
        return .object(
            JSONObject([
                (key: "op", value: .string(op.rawValue)), (key: "path", value: "customProperty"),
                (key: "value", value: .object(property)),
            ]))
    }
}

extension CMOClient {
    /// `PATCH product/{id}-simCard` with `Content-Type: application/json-patch-query+json`: changes custom
    /// properties, which the API applies synchronously on every backend.
    ///
    /// - Returns: The updated sub-product.
    /// - Throws: `CMOError`; only an all-`replace` list is repeated after a lost connection.
    public func patchCustomProperties(id: String, ops: [CustomPropertyOperation]) async throws(CMOError) -> JSONValue {
        let target = Self.subProductSuffixes.contains(where: id.hasSuffix) ? id : "\(id)-simCard"
        let outcome = try await send(
            APIRequest(
                method: .PATCH, path: "product/\(PathEncoding.encodeSegment(target))",
                body: JSONValue.array(ops.map(\.json)).serializedBytes(),
                contentType: "application/json-patch-query+json",
                safety: ops.allSatisfy { $0.op == .replace } ? .idempotentChange : .nonIdempotentChange))
        return try Self.object(outcome, expecting: "the patched sub-product")
    }
}
