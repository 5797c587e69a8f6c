import Foundation
import Testing
import LuaKit

@Suite struct SandboxTests {
    @Test func onlyTheAllowListIsReachable() async {
        let (outcome, _) = await runScript("""
            return io, os.execute, os.getenv, os.remove, dofile, loadfile, package, debug.getinfo, string.dump,
              debug.sethook, collectgarbage ~= nil, type(os.time()), type(os.clock()), type(os.date("%Y")),
              type(debug.traceback()), type(utf8.char), type(math.floor), type(table.concat)
            """)
        #expect(returned(outcome) == [
            .nil, .nil, .nil, .nil, .nil, .nil, .nil, .nil, .nil, .nil, true, "number", "number", "string", "string",
            "function", "function", "function",
        ])
    }

    @Test func loadTakesTextOnly() async {
        let (outcome, _) = await runScript("""
            local f = load("return 1 + 1")
            local g, message = load("\\27Lua", "bin", "b")
            local h, text_message = load("\\27Lua")
            return f(), g, message, h, text_message
            """)
        #expect(returned(outcome) == [
            2, .nil, "attempt to load a b chunk (only text chunks are allowed)", .nil,
            "attempt to load a binary chunk (mode is 't')",
        ])
    }

    @Test func requireLoadsModulesFromTheAllowedDirectoriesOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luakit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("lib/util"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "local M = {} function M.twice(x) return 2 * x end loads = (loads or 0) + 1 return M"
            .write(to: directory.appendingPathComponent("lib/helpers.lua"), atomically: true, encoding: .utf8)
        try "return { name = ... }".write(to: directory.appendingPathComponent("lib/util/init.lua"), atomically: true, encoding: .utf8)
        try "syntax error here".write(to: directory.appendingPathComponent("lib/broken.lua"), atomically: true, encoding: .utf8)
        let lib = directory.appendingPathComponent("lib").path

        let (outcome, _) = await runScript("""
            local h = require("helpers")
            local again = require("helpers")
            return h.twice(21), h == again, loads, require("util").name
            """, modulePaths: [lib])
        #expect(returned(outcome) == [42, true, 1, "util"])

        let missing = await runScript("require('nothere')", modulePaths: [lib])
        #expect(failureMessage(missing.outcome)
            == "script.lua:1: module 'nothere' not found; looked in: \(lib)/nothere.lua, \(lib)/nothere/init.lua")
        let escape = await runScript("require('..etc.passwd')", modulePaths: [lib])
        #expect(failureMessage(escape.outcome)
            == "script.lua:1: module name '..etc.passwd' is not valid (letters, digits, '_' and '.' only)")
        let broken = await runScript("require('broken')", modulePaths: [lib])
        // Lua shortens long chunk names to their last 60 bytes, so only the end of the path is certain.
        let message = failureMessage(broken.outcome) ?? ""
        #expect(message.hasPrefix("script.lua:1: error loading module 'broken': "))
        #expect(message.hasSuffix("lib/broken.lua:1: syntax error near 'error'"))
    }

    @Test func hostModulesCanBePreloaded() async {
        let (outcome, _) = await runScript("return require('json') == json") { state, _ in
            state.stack.pushGlobal("json")
            state.preload("json")
        }
        #expect(returned(outcome) == [true])
    }
}
