import CLua

extension LuaState {
    /// Installs the global `json` module:
    ///
    /// - `json.encode(value [, {indent=N}]) -> string`: raises for functions, cycles, mixed or sparse tables,
    ///   NaN/inf and strings that are not UTF-8. Empty tables encode as `{}` unless made by `json.array()`.
    /// - `json.decode(text) -> value`: raises `file:line: json.decode: reason at line L, column C`.
    /// - `json.null`: the sentinel for JSON `null` (distinct from `nil`, so it survives in tables).
    /// - `json.array([t]) -> t` and `json.object([t]) -> t`: mark a table (new when omitted) to encode as an array
    ///   or an object even when empty.
    public func openJSON() {
        let functions: [String: LuaFunction] = [
            "encode": { call in
                try call.checkAny(1)
                let options = try call.options(2, allowed: ["indent"])
                let indent = try options.integer("indent").map(Int.init)
                let value = try call.value(1)
                do {
                    let text = try JSONWriter(indent: indent).encode(value)
                    text.withUnsafeBufferPointer { call.stack.push(bytes: $0) }
                    return .results(1)
                } catch {
                    throw LuaRaisedError("json.encode: \(error)")
                }
            },
            "decode": { call in
                guard call.type(1) == .string else { throw call.typeError(1, expected: "string") }
                let stack = call.stack
                var failure: JSONDecodingError?
                _ = stack.withBytes(at: 1) { text in
                    do throws(JSONDecodingError) {
                        try JSONReader.decode(text, onto: stack)
                    } catch {
                        failure = error
                    }
                }
                if let failure { throw LuaRaisedError("json.decode: \(failure.description)") }
                return .results(1)
            },
            "array": { call in try Self.mark(&call, as: \.arrayMarker) },
            "object": { call in try Self.mark(&call, as: \.objectMarker) },
        ]
        register(module: "json", functions)
        let stack = self.stack
        _ = lua_getglobal(L, "json")
        stack.pushNull()
        stack.setField("null", in: -2)
        stack.pop()
    }

    private static func mark(_ call: inout LuaCall, as marker: KeyPath<Anchors, Int32>) throws -> LuaReturn {
        let stack = call.stack
        if call.isNoneOrNil(1) {
            stack.top = 0
            stack.pushTable()
        } else {
            try call.check(1, is: .table)
            stack.top = 1
        }
        stack.pushReference(call.state.anchors[keyPath: marker])
        lua_setmetatable(stack.L, -2)
        return .results(1)
    }
}
