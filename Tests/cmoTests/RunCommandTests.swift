import CMOTestSupport
import Foundation
import Testing

@Suite struct RunCommandTests {
    @Test func aScriptRunsWithVarsAndExitsZero() throws {
        let path = try CLI.script("print('hello ' .. cmo.vars.name) print(json.encode(cmo.vars))")
        let result = try CLI.run(["run", "--no-api", path, "--var", "name=Ada", "--var", "empty="])
        #expect(result.status == 0)
        #expect(result.stdout == "hello Ada\n{\"empty\":\"\",\"name\":\"Ada\"}\n")
        #expect(result.stderr == "")
    }

    @Test func anUncaughtErrorExitsOneWithPlaceAndTraceback() throws {
        let directory = try CLI.workspace("local x = 1\nerror('boom')")
        let result = try CLI.run(["run", "--no-api", "workflow.lua"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr == """
            cmo: workflow.lua:2: boom
            stack traceback:
            \t[C]: in function 'error'
            \tworkflow.lua:2: in main chunk

            """)
    }

    @Test func aPlanAndApplyWorkflowAppliesItsPlansItems() throws {
        let directory = try CLI.workspace("""
            return {
              plan = function() return { "a", "b", "c" } end,
              apply = function(item, index) print(index .. " " .. item) end,
            }
            """)
        let result = try CLI.run(["run", "--no-api", "--concurrency", "1", "workflow.lua"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1 a\n2 b\n3 c\n")
    }

    @Test(arguments: [
        ("return { plan = function() return {} end }", "workflow.lua: the workflow's 'apply' must be a function, got nil"),
        ("return { apply = print }", "workflow.lua: the workflow's 'plan' must be a function, got nil"),
        ("return { plan = function() return 7 end, apply = print }",
         "workflow.lua: the workflow's plan must return a table of items (product ids or tables with an id), got number"),
    ])
    func aWorkflowOfTheWrongShapeExitsOneSayingWhy(script: String, message: String) throws {
        let directory = try CLI.workspace(script)
        let result = try CLI.run(["run", "--no-api", "workflow.lua"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("cmo: \(message)\n"), "\(result.stderr)")
        #expect(!result.stderr.contains("(cmo)"), "no frame of cmo's own Lua: \(result.stderr)")
    }

    @Test func aSyntaxErrorExitsOneWithFileAndLine() throws {
        let directory = try CLI.workspace("local = 1")
        let result = try CLI.run(["run", "--no-api", "workflow.lua"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr == "cmo: workflow.lua:1: <name> expected near '='\n")
    }

    @Test func usageErrorsExitTwo() throws {
        let path = try CLI.script("print(1)")
        let noValue = try CLI.run(["run", path, "--var", "novalue"])
        #expect(noValue.status == 2)
        #expect(noValue.stderr.hasPrefix("Error: --var expects KEY=VALUE, got 'novalue'\n"))
        #expect(try CLI.run(["run", path, "--concurrency", "0"]).status == 2)
        #expect(try CLI.run(["run"]).status == 2)
        let missing = try CLI.run(["run", "/nonexistent/x.lua"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: cannot read script '/nonexistent/x.lua'\n")
    }

    @Test func aTimeoutStopsTheRunWithExitFour() throws {
        let path = try CLI.script("print('start') cmo.sleep(30) print('never')")
        let result = try CLI.run(["run", "--no-api", path, "--timeout", "0.2"])
        #expect(result.status == 4)
        #expect(result.stdout == "start\n")
        #expect(result.stderr.hasPrefix("cmo: stopped: timed out after 0.2 s\n\(CLI.resumeHint)"))
    }

    /// A loop that never calls a waiting binding stops at the timeout too, not at the watchdog 5 s later.
    @Test func aTimeoutStopsALoopThatNeverWaits() throws {
        let path = try CLI.script("local n = 0 while true do n = n + 1 end")
        let result = try CLI.run(["run", "--no-api", path, "--no-journal", "--timeout", "0.3"])
        #expect(result.status == 4)
        #expect(result.stderr == "cmo: stopped: timed out after 0.3 s\n")
    }

    @Test func budgetsStopTheRunWithExitFour() throws {
        let loop = try CLI.workspace("local n = 0\nlocal step = 1\nwhile true do\n  n = n + step\nend", name: "loop.lua")
        let spent = try CLI.run(["run", "--no-api", "loop.lua", "--max-instructions", "100000"], in: loop)
        #expect(spent.status == 4)
        #expect(spent.stderr.hasPrefix("cmo: stopped: loop.lua:4: instruction budget exceeded (limit 100000 instructions)\n\(CLI.resumeHint)"))

        let grow = try CLI.script("local t = {} while true do t[#t + 1] = string.rep('x', 1000) .. #t end")
        let full = try CLI.run(["run", "--no-api", grow, "--max-memory", "8388608"])
        #expect(full.status == 4)
        #expect(full.stderr.contains("memory budget exceeded (limit 8388608 bytes)\n\(CLI.resumeHint)"))
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsTheRunWithExitFour(signal: Int32) throws {
        let path = try CLI.script("""
            local ok, err = pcall(function()
              print('ready')
              cmo.sleep(30)
            end)
            print('cleanup', err.kind)
            """)
        let command = try CLI.start(["run", "--no-api", path])
        try command.waitForOutput(containing: "ready\n")
        command.send(signal)
        let result = try command.wait()
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        #expect(result.status == 4)
        #expect(result.stdout == "ready\ncleanup\tcancelled\n")
        #expect(result.stderr.hasPrefix("cmo: stopped: interrupted by \(name)\n\(CLI.resumeHint)"))
    }

    /// One SIGINT stops a loop that never calls a waiting binding (no second signal needed).
    @Test func aSignalStopsALoopThatNeverWaits() throws {
        let path = try CLI.script("print('ready') local n = 0 while true do n = n + 1 end")
        let command = try CLI.start(["run", "--no-api", path, "--no-journal"])
        try command.waitForOutput(containing: "ready\n")
        command.send(SIGINT)
        let result = try command.wait()
        #expect(result.status == 4)
        #expect(result.stderr == "cmo: stopped: interrupted by SIGINT\n")
    }

    @Test func helpDocumentsTheExitCodes() throws {
        let result = try CLI.run(["run", "--help"])
        #expect(result.status == 0)
        // argument-parser wraps long lines: compare with whitespace collapsed.
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for line in [
            "0  the script finished and everything it started succeeded",
            "1  the script raised an uncaught error, or has a syntax error (reported as file:line: message)",
            "2  usage or configuration error",
            "3  the script finished but some operations it started failed",
            "4  stopped early: timeout, SIGINT/SIGTERM, instruction or memory budget, or a guard",
        ] {
            #expect(help.contains(line.split(whereSeparator: \.isWhitespace).joined(separator: " ")))
        }
    }

    @Test func scriptsRequireModulesBesideThem() throws {
        let directory = URL(fileURLWithPath: try CLI.script("", name: "helper.lua")).deletingLastPathComponent()
        try "return { answer = 42 }".write(to: directory.appendingPathComponent("helper.lua"), atomically: true, encoding: .utf8)
        let main = directory.appendingPathComponent("main.lua")
        try "print(require('helper').answer)".write(to: main, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", "--no-api", main.path])
        #expect(result.status == 0)
        #expect(result.stdout == "42\n")
    }
}

extension RunCommandTests {
    /// One pathological pattern match never returns to the VM, so no budget check runs: the watchdog ends the
    /// process a few seconds after the timeout.
    @Test func theWatchdogEndsAScriptStuckInOneCCall() throws {
        let path = try CLI.script("print('start') string.find(string.rep('a', 40), string.rep('a?', 40) .. string.rep('a', 40) .. 'b')")
        let result = try CLI.run(["run", "--no-api", path, "--timeout", "0.2"])
        #expect(result.status == 4)
        #expect(result.stdout == "start\n")
        #expect(result.stderr == "cmo: stopped: the script did not stop after its timeout; exiting\n")
    }
}
