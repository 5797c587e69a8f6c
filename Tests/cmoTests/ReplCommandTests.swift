import CMOTestSupport
import Foundation
import Testing

/// `cmo repl` with piped input (standard input not a terminal): no prompt, no line editor; the first error or an
/// unfinished entry ends it with a non-zero exit code.
@Suite struct ReplCommandTests {
    static let sim = ["repl", "--sim", "--sim-fleet", "20"]

    @Test func valuesPrintAndGlobalsPersistBetweenEntries() throws {
        let result = try CLI.run(
            Self.sim,
            input: "x = 20 + 1\nx * 2\nreturn {a = 1}\nfunction add(a, b)\n  return a + b\nend\nadd(2, 3)\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "42\n{\n  a = 1,\n}\n5\n")
        #expect(result.stderr.contains("cmo repl:") == false, "no banner, no prompt: \(result.stderr)")
    }

    @Test func theFirstErrorEndsPipedInputWithItsValueShown() throws {
        let result = try CLI.run(Self.sim, input: "print('before')\nerror({code = 42})\nprint('after')\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout == "before\n")
        #expect(result.stderr.hasSuffix("{\n  code = 42,\n}\n"), "\(result.stderr)")
    }

    @Test func anErrorShowsTheEntrysOwnFramesOnly() throws {
        let input = "function f()\n  error('deep')\nend\nfunction g() f() end\ng()\n"
        let result = try CLI.run(Self.sim, input: input)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasSuffix("""
            stdin:2: deep
            stack traceback:
            \tstdin:2: in function 'f'
            \tstdin:4: in function 'g'

            """), "\(result.stderr)")
    }

    @Test func anAPIErrorIsShownWithWhereItHappened() throws {
        let result = try CLI.run(Self.sim, input: "\n\ncmo.product('nope')\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("stdin:3: Error: Product with id nope not found (HTTP 404"), "\(result.stderr)")
    }

    @Test func anUnfinishedEntryAtTheEndOfInputFails() throws {
        let result = try CLI.run(Self.sim, input: "print('ran')\nfunction f()\n  return 1\n")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout == "ran\n")
        #expect(result.stderr.hasSuffix("""
            stdin:3: 'end' expected (to close 'function' at line 2) near <eof>: the input ended inside an \
            unfinished entry

            """), "\(result.stderr)")
    }

    @Test func sigintInterruptsTheEntryAndEndsPipedInputWithFour() throws {
        let running = try CLI.start(Self.sim, input: "print('sleeping') cmo.sleep(30)\nprint('after')\n")
        try running.waitForOutput(containing: "sleeping\n")
        running.send(SIGINT)
        let result = try running.wait(timeout: .seconds(30))
        #expect(result.status == 4, "\(result)")
        #expect(result.stdout == "sleeping\n")
        #expect(result.stderr.hasSuffix("interrupted\n"), "\(result.stderr)")
    }
}
