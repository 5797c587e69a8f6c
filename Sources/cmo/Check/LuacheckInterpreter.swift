import Foundation

/// The Lua interpreter luacheck runs on (Debian's `lua-check`: `/usr/bin/luacheck` starts with
/// `#!/usr/bin/env lua5.1`), found from the `luacheck` on `PATH`; `cmo check` runs its checker with it, so
/// `require "luacheck.parser"` finds luacheck's modules where the package put them.
struct LuacheckInterpreter: Sendable, Equatable {
    /// The interpreter's absolute path.
    var path: String

    /// Why `cmo check` cannot run: said in one line, with the package that fixes it.
    struct Missing: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// Finds luacheck on `searchPath` (`$PATH`) and the interpreter its first line names.
    static func find(searchPath: String) throws(Missing) -> LuacheckInterpreter {
        let hint = "install the Debian package lua-check (apt-get install lua-check)"
        guard let luacheck = executable(named: "luacheck", searchPath: searchPath) else {
            throw Missing(description: "cmo check needs luacheck, which is not on PATH: \(hint)")
        }
        guard let interpreter = interpreterName(ofScriptAt: luacheck) else {
            throw Missing(description: "cannot tell which Lua runs \(luacheck) (no #! line): \(hint)")
        }
        let path = interpreter.hasPrefix("/") ? interpreter : executable(named: interpreter, searchPath: searchPath)
        guard let path, FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "\(luacheck) runs on \(interpreter), which is not installed: \(hint)")
        }
        return LuacheckInterpreter(path: path)
    }

    /// The interpreter of a `#!` line: `lua5.1` of `#!/usr/bin/env lua5.1`, `/usr/bin/lua5.1` of `#!/usr/bin/lua5.1`.
    static func interpreterName(ofShebang line: String) -> String? {
        guard line.hasPrefix("#!") else { return nil }
        let words = line.dropFirst(2).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return nil }
        if first.hasSuffix("/env") { return words.dropFirst().first { !$0.hasPrefix("-") } }
        return first
    }

    private static func interpreterName(ofScriptAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        let line = String(decoding: head, as: UTF8.self).split(separator: "\n", maxSplits: 1).first ?? ""
        return interpreterName(ofShebang: String(line))
    }

    private static func executable(named name: String, searchPath: String) -> String? {
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
