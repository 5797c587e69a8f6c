import CLua

/// Finds and compiles `require`d modules in an allow list of directories.
struct LuaModuleLoader {
    let paths: [String]

    /// Pushes the compiled chunk and its path, or `nil` and a message saying where it looked.
    func find(_ name: String, call: inout LuaCall) throws -> LuaReturn {
        let stack = call.stack
        guard Self.isValid(name) else {
            stack.pushNil()
            stack.push("module name '\(name)' is not valid (letters, digits, '_' and '.' only)")
            return .results(2)
        }
        let relative = name.split(separator: ".").joined(separator: "/")
        var tried: [String] = []
        for directory in paths {
            for candidate in ["\(directory)/\(relative).lua", "\(directory)/\(relative)/init.lua"] {
                tried.append(candidate)
                guard let source = LuaSourceFile.read(candidate) else { continue }
                do {
                    try call.state.load(source, chunkName: candidate, onto: stack)
                } catch {
                    stack.pushNil()
                    stack.push("error loading module '\(name)': \(error.message)")
                    return .results(2)
                }
                stack.push(candidate)
                return .results(2)
            }
        }
        stack.pushNil()
        stack.push("module '\(name)' not found; looked in: " + tried.joined(separator: ", "))
        return .results(2)
    }

    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.hasSuffix(".") && !name.contains("..")
            && name.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: ".")
            }
    }
}
