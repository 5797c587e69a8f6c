import Foundation
import CMOClient

/// Whether JSON Patch operations already hold in a document: how a resumed run tells that a request it may have
/// sent did arrive.
enum JSONPatchCheck {
    /// True when every `replace` and `add` finds its value at its path and every `remove` finds nothing there
    /// (`test` operations are preconditions, not effects, and are ignored). `move` and `copy` cannot be told apart
    /// from their effect, so they never hold: the change is sent again.
    static func holds(_ ops: [JSONPatchOperation], in document: JSONValue) -> Bool {
        ops.allSatisfy { operation in
            switch operation.op {
            case .replace, .add: value(at: operation.path, in: document) == operation.value
            case .remove: value(at: operation.path, in: document) == nil
            case .test: true
            case .move, .copy: false
            }
        }
    }

    /// The value at an RFC 6901 pointer, or nil.
    static func value(at pointer: String, in document: JSONValue) -> JSONValue? {
        guard pointer.hasPrefix("/") else { return pointer.isEmpty ? document : nil }
        var current = document
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object:
                guard let next = current[key] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}
