/// One operation of an `application/json-patch-query+json` document on the `customProperty` list, e.g.
/// `{"op":"add","path":"customProperty","value":{"name":"site","value":"Bonn"}}`.
///
/// `add` and `replace` set a property by name (adding it when absent); `remove` deletes it by name. The real
/// service applies these synchronously on every backend.
struct CustomPropertyOperation: Sendable, Equatable {
    enum Kind: String, Sendable {
        case add
        case replace
        case remove
    }

    var kind: Kind
    var name: String
    var value: String

    /// Parses a document; every problem is a 400.
    static func parseDocument(_ body: [UInt8]) throws(PatchParseError) -> [CustomPropertyOperation] {
        guard let document = StrictJSON.decode(body) else {
            throw PatchParseError(description: "The body is not valid JSON.")
        }
        guard case .array(let elements) = document, !elements.isEmpty, elements.count <= 100 else {
            throw PatchParseError(description: "A custom property patch must be an array of 1 to 100 operations.")
        }
        var operations: [CustomPropertyOperation] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let members) = element else {
                throw PatchParseError(description: "Operation \(index) must be an object, got \(element.typeName).")
            }
            guard let op = members["op"]?.stringValue, let kind = Kind(rawValue: op) else {
                throw PatchParseError(description: "Operation \(index): 'op' must be add, replace or remove.")
            }
            guard let path = members["path"]?.stringValue, path == "customProperty" || path == "/customProperty" else {
                throw PatchParseError(description: "Operation \(index): 'path' must be customProperty.")
            }
            guard case .object(let property)? = members["value"], let name = property["name"]?.stringValue, !name.isEmpty,
                  name.utf8.count <= 100
            else {
                throw PatchParseError(description: "Operation \(index): 'value' must be an object with a non-empty string 'name'.")
            }
            var value = ""
            if kind != .remove {
                guard let text = property["value"]?.stringValue, text.utf8.count <= 1000 else {
                    throw PatchParseError(description: "Operation \(index): 'value.value' must be a string of at most 1000 bytes.")
                }
                value = text
            }
            operations.append(CustomPropertyOperation(kind: kind, name: name, value: value))
        }
        return operations
    }
}

extension FleetState {
    /// Applies custom property operations at once (all of them; they cannot fail once parsed).
    mutating func patchCustomProperties(position: Int, operations: [CustomPropertyOperation], now: Int64) {
        var product = products[position]
        var properties = product.customProperties ?? []
        for operation in operations {
            let index = properties.firstIndex { $0.name == operation.name }
            switch (operation.kind, index) {
            case (.remove, let index?): properties.remove(at: index)
            case (.remove, nil): continue
            case (_, let index?): properties[index].value = operation.value
            case (_, nil): properties.append(.init(name: operation.name, value: operation.value))
            }
        }
        guard properties != (product.customProperties ?? []) else { return }
        product.customProperties = properties.isEmpty ? nil : properties
        product.touch(at: now)
        replaceProduct(product, at: position)
    }
}
