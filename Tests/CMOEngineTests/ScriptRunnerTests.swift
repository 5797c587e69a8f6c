import CMOJournal
import Foundation
import Logging
import LuaKit
import Testing

@testable import CMOEngine

@Suite struct ScriptRunnerTests {
    private func write(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return directory
    }

    private func run(_ options: RunOptions) async -> (RunResult, [String]) {
        var lines: [String] = []
        let runner = ScriptRunner(options: options, logger: Logger(label: "test")) { lines.append($0) }
        let result = await runner.run()
        return (result, lines)
    }

    @Test func varsReachTheScriptAsStrings() async throws {
        let directory = try write(["main.lua": "print(cmo.vars.count, math.type(cmo.vars.count), cmo.vars.missing)"])
        let (result, lines) = await run(RunOptions(scriptPath: directory.appendingPathComponent("main.lua").path, vars: ["count": "3"]))
        #expect(result.exitCode == .success)
        #expect(lines == ["3\tnil\tnil"])
    }

    @Test func stdlibComesBeforeTheScriptsDirectory() async throws {
        let stdlib = try write(["cmo/greeting.lua": "return 'from stdlib'"])
        let scripts = try write([
            "cmo/greeting.lua": "return 'from script dir'", "local_helper.lua": "return 'local'",
            "main.lua": "print(require('cmo.greeting'), require('local_helper'))",
        ])
        let (result, lines) = await run(RunOptions(
            scriptPath: scripts.appendingPathComponent("main.lua").path, modulePaths: [stdlib.path]))
        #expect(result.exitCode == .success)
        #expect(lines == ["from stdlib\tlocal"])
    }

    @Test func outcomesMapToExitCodes() async throws {
        let directory = try write([
            "ok.lua": "return 1", "fail.lua": "error('x')", "slow.lua": "cmo.sleep(10)",
            "loop.lua": "while true do end",
        ])
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        #expect(await run(RunOptions(scriptPath: path("ok.lua"))).0.exitCode == .success)
        let failed = await run(RunOptions(scriptPath: path("fail.lua"))).0
        #expect(failed.exitCode == .scriptError)
        #expect(failed.errorReport?.contains("stack traceback:") == true)
        let slow = await run(RunOptions(scriptPath: path("slow.lua"), timeout: 0.05)).0
        #expect(slow.exitCode == .stopped)
        #expect(slow.errorReport == "stopped: timed out after 0.05 s")
        let loop = await run(RunOptions(scriptPath: path("loop.lua"), limits: LuaLimits(instructionLimit: 10_000))).0
        #expect(loop.exitCode == .stopped)
        let missing = await run(RunOptions(scriptPath: path("absent.lua"))).0
        #expect(missing.exitCode == .usage)
    }

    @Test func theShippedStdlibIsFound() {
        let path = Stdlib.defaultPath()
        #expect(FileManager.default.fileExists(atPath: path + "/README.md"))
    }
}

@Suite struct ProgressMeterTests {
    @Test func periodicLinesCountDoneFailedAndRate() {
        var lines: [String] = []
        let meter = ProgressMeter(live: false, interval: .zero) { lines.append($0) }
        meter.start(total: 3)
        meter.item(succeeded: true)
        meter.item(succeeded: false)
        meter.start(total: 10)  // a nested parallel does not count
        meter.item(succeeded: true)
        meter.finish()
        meter.item(succeeded: true)
        meter.finish()
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("progress: 1/3 done  "))
        #expect(lines[1].contains("2/3 done") && lines[1].contains("1 failed") && lines[1].contains("ETA"))
        #expect(lines[2].hasPrefix("progress: 3/3 done  ") && !lines[2].contains("ETA"))
        #expect(lines[3].hasPrefix("progress: 3/3 done  "))
    }

    @Test func liveLinesRedrawInPlace() {
        var output = ""
        let meter = ProgressMeter(live: true) { output += $0 }
        meter.start(total: nil)
        meter.item(succeeded: true)
        meter.finish()
        #expect(output.hasPrefix("\r\u{1B}[K1 done  "))
        #expect(output.hasSuffix("0 failed\n"))
    }
}

@Suite struct TypeStubTests {
    /// Every function of the `cmo` module has a stub in `stdlib/meta/cmo.lua`, so editors know it.
    @Test func everyBindingHasATypeStub() async throws {
        let stubs = try String(contentsOfFile: Stdlib.defaultPath() + "/meta/cmo.lua", encoding: .utf8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("names.lua").path
        try """
            local names = {}
            for name, value in pairs(cmo) do
              if type(value) == "function" and name:sub(1, 1) ~= "_" then names[#names + 1] = name end
            end
            for name in pairs(json) do names[#names + 1] = "json." .. name end
            table.sort(names)
            print(table.concat(names, " "))
            """.write(toFile: path, atomically: true, encoding: .utf8)
        var lines: [String] = []
        let runner = ScriptRunner(
            options: RunOptions(scriptPath: path, modulePaths: [Stdlib.defaultPath()]), logger: Logger(label: "t")
        ) { lines.append($0) }
        _ = await runner.run()
        let names = try #require(lines.first).split(separator: " ").map(String.init)
        #expect(names.count > 25)
        for name in names where name != "json.null" {
            let declaration = name.hasPrefix("json.") ? "function \(name)(" : "function cmo.\(name)("
            #expect(stubs.contains(declaration), "no stub for \(name)")
        }
    }
}
