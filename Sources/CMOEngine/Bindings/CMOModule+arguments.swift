import CMOClient
import LuaKit

/// Reading the arguments of the `cmo` bindings.
extension CMOModule {
    /// A change's first argument: a product id, or a product table (a listing row, a read product) whose `id`
    /// names it and whose `status` the change may trust (it is tested, not assumed).
    static func changeSubject(_ call: LuaCall, _ position: Int32) throws -> (id: String, status: String?) {
        switch call.type(position) {
        case .string: return (try call.string(position), nil)
        case .table:
            // Only `id` and `status` are read: a listing row or a whole bundle is not copied.
            guard call.stack.pushField("id", of: position) == .string, let id = call.stack.string(at: -1) else {
                throw LuaArgumentError(position: position, message: "product table without a string 'id'")
            }
            call.stack.pop()
            let status = call.stack.pushField("status", of: position) == .string ? call.stack.string(at: -1) : nil
            call.stack.pop()
            return (id, status)
        default: throw call.typeError(position, expected: "string or product")
        }
    }

    static func strings(_ call: LuaCall, _ position: Int32) throws -> [String] {
        guard call.type(position) == .table else { throw call.typeError(position, expected: "table") }
        let value = try call.value(position)
        let items: [LuaValue]
        switch value {
        case .array(let list): items = list
        case .object(let fields) where fields.isEmpty: items = []
        default: throw LuaArgumentError(position: position, message: "array of strings expected")
        }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item else {
                throw LuaArgumentError(position: position, message: "item \(index + 1): string expected")
            }
            return text
        }
    }

    static func patchOps(_ call: LuaCall, _ position: Int32) throws -> [JSONPatchOperation] {
        guard call.type(position) == .table else { throw call.typeError(position, expected: "table") }
        let value = try call.value(position)
        guard case .array(let items) = value, !items.isEmpty else {
            throw LuaArgumentError(position: position, message: "non-empty array of operations expected")
        }
        return try items.enumerated().map { index, item in
            do {
                return try JSONPatchOperation(json: JSONValue(item))
            } catch let error as CMOError {
                throw LuaArgumentError(position: position, message: "operation \(index + 1): \(error.message)")
            } catch {
                throw LuaArgumentError(position: position, message: "operation \(index + 1): \(error)")
            }
        }
    }

    static func seconds(_ options: LuaOptions, _ key: String) throws -> Duration? {
        guard let value = try options.number(key) else { return nil }
        guard value.isFinite, value > 0 else {
            throw LuaArgumentError(position: options.position, message: "field '\(key)': must be a positive number of seconds")
        }
        return .milliseconds(Int64(value * 1000))
    }

    static func text(_ value: LuaValue) -> String {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .number(let number): return String(number)
        case .boolean(let flag): return String(flag)
        case .nil, .null: return "null"
        default: return (try? JSONWriter().string(value)) ?? "?"
        }
    }
}
