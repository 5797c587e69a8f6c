import CMOTestSupport
import Foundation
import Testing

/// `cmo check` end to end: the built binary with the system's luacheck (Debian lua-check; missing, these tests
/// fail).
@Suite struct CheckCommandTests {
    /// One script with each kind of mistake, and what `cmo check` says of it.
    static let mistakes = """
        local id = cmo.vars.id
        cmo.activate(id, {wiat = true})
        cmo.actvate(id)
        print(undefined_thing)
        cmo.set_status(id)
        cmo.suspend(id, {}, 3)
        json.encode({}, {indent = 2, pretty = true})
        cmo.log.info("fine", {a = 1})
        cmo.log.inf("x")
        io.write("x")
        local function f(...) return cmo.try(f, ...) end
        cmo.parallel({1}, f, {concurrency = 2, fail_fast = true})
        local cmo = {activate = function() end}
        cmo.activate(1, 2, 3)
        helper = 1

        """

    @Test func eachKindOfMistakeIsOneLineWithItsPlace() throws {
        let directory = try CLI.workspace(Self.mistakes, name: "mistakes.lua")
        let result = try CLI.run(["check", "mistakes.lua"], in: directory)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "")
        #expect(result.stdout == """
            mistakes.lua:2:19: unknown option 'wiat' for cmo.activate (expected one of: only_if, timeout, wait)
            mistakes.lua:3:1: accessing undefined field 'actvate' of global 'cmo'
            mistakes.lua:4:7: accessing undefined variable 'undefined_thing'
            mistakes.lua:5:1: cmo.set_status expects 2 to 3 arguments, got 1
            mistakes.lua:6:1: cmo.suspend expects 1 to 2 arguments, got 3
            mistakes.lua:7:30: unknown option 'pretty' for json.encode (expected one of: indent)
            mistakes.lua:9:1: accessing undefined field 'log.inf' of global 'cmo'
            mistakes.lua:10:1: accessing undefined variable 'io'
            mistakes.lua:15:1: setting non-standard global variable 'helper'

            """)
    }

    @Test func aSyntaxErrorIsReportedWithItsPlace() throws {
        let directory = try CLI.workspace("local x = (\nprint(x)\n", name: "broken.lua")
        let result = try CLI.run(["check", "broken.lua"], in: directory)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout == "broken.lua:3:1: expected ')' (to close '(' on line 1) near <eof>\n")
    }

    @Test func theShippedWorkflowsAndTheStdlibAreClean() throws {
        let result = try CLI.run(["check", "scripts/workflows", "stdlib"], in: CLI.packageRoot)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "")
    }

    @Test func aDirectoryStandsForItsLuaFilesButNotHiddenOnes() throws {
        let directory = try CLI.workspace("prnt(1)\n", name: "top.lua")
        for (path, source) in [("sub/clean.lua", "print(1)\n"), (".hidden/bad.lua", "io.write(1)\n")] {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: url, atomically: true, encoding: .utf8)
        }
        let result = try CLI.run(["check", "."], in: directory)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout == "./top.lua:1:1: accessing undefined variable 'prnt'\n")
    }

    @Test func aCleanFileExitsZeroSilently() throws {
        let directory = try CLI.workspace("local outcome = cmo.activate(cmo.vars.id, {only_if = 'INACTIVE'})\nprint(outcome.state)\n")
        let result = try CLI.run(["check", "workflow.lua"], in: directory)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "" && result.stderr == "")
    }

    @Test func aMissingFileIsAUsageError() throws {
        let result = try CLI.run(["check", "/nonexistent/workflow.lua"])
        #expect(result.status == 2)
        #expect(result.stderr == "error: cannot read '/nonexistent/workflow.lua': no such file or directory\n")
    }

    @Test func withoutLuacheckItSaysWhichPackageToInstall() throws {
        let directory = try CLI.workspace("print(1)\n")
        let result = try CLI.run(["check", "workflow.lua"], environment: ["PATH": directory], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr == """
            error: cmo check needs luacheck, which is not on PATH: install the Debian package lua-check \
            (apt-get install lua-check)

            """)
    }
}
