import CMOTestSupport
import Foundation
import Testing

/// `cmo repl --sim` on a real pseudo-terminal: libedit's line editing and history, multi-line entries, TAB
/// completion from the live state, Ctrl-C at the prompt and during an entry, Ctrl-D. Keys typed while an entry
/// runs meet the terminal in its ordinary mode, as they would for a person, so each step waits for the prompt.
@Suite struct ReplTerminalTests {
    static let left = "\u{1B}[D", up = "\u{1B}[A", ctrlC = "\u{3}", ctrlD = "\u{4}"

    static func start(stateHome: String) throws -> PseudoTerminalSession {
        let session = try PseudoTerminalSession(
            ["repl", "--sim", "--sim-fleet", "20"], environment: ["XDG_STATE_HOME": stateHome])
        #expect(session.waitFor("Ctrl-D ends"), "\(session.output)")
        #expect(session.waitForPrompt(after: 0), "\(session.output)")
        return session
    }

    static func temporaryStateHome() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-repl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Types `line` and Enter, then waits for `shown` and the prompt after it.
    static func enter(_ line: String, on terminal: PseudoTerminalSession, shows shown: String) {
        let mark = terminal.output.count
        terminal.type(line + "\r")
        #expect(terminal.waitFor(shown, after: mark), "\(terminal.output)")
        let end = terminal.output.count
        #expect(terminal.waitForPrompt(after: end - 2), "\(terminal.output)")
    }

    @Test func linesAreEditedAndEntriesMayTakeSeveralLines() throws {
        let terminal = try Self.start(stateHome: try Self.temporaryStateHome())
        // The cursor goes back three places and an "l" goes in: print("hello").
        Self.enter("print(\"helo\")" + Self.left + Self.left + Self.left + "l", on: terminal, shows: "hello\r\n")
        Self.enter("function add(a, b)", on: terminal, shows: ">> ")
        Self.enter("return a * b", on: terminal, shows: ">> ")
        Self.enter("end", on: terminal, shows: "> ")
        Self.enter("add(6, 7)", on: terminal, shows: "42\r\n")
        // The history: up recalls the last line.
        Self.enter(Self.up, on: terminal, shows: "42\r\n")
        terminal.type(Self.ctrlD)
        #expect(terminal.wait() == 0, "\(terminal.output)")
    }

    @Test func tabCompletesFromTheLiveStateAndCtrlCDropsTheLine() throws {
        let terminal = try Self.start(stateHome: try Self.temporaryStateHome())
        // `cmo.act` TAB becomes `cmo.activate(`: closed and run, the binding itself complains.
        Self.enter("cmo.act\t)", on: terminal, shows: "bad argument #1 to 'activate'")
        // Several candidates are listed; Ctrl-C drops the line, which never runs.
        terminal.type("cmo.s\t")
        #expect(terminal.waitFor("set_status("), "\(terminal.output)")
        #expect(terminal.waitFor("suspend("), "\(terminal.output)")
        let mark = terminal.output.count
        terminal.type("print('dropped')" + Self.ctrlC)
        #expect(terminal.waitFor("^C", after: mark), "\(terminal.output)")
        // A global defined at the prompt completes too.
        Self.enter("my_counter = 6 * 7", on: terminal, shows: "> ")
        Self.enter("my_co\t", on: terminal, shows: "42\r\n")
        #expect(!terminal.output.contains("dropped\r\n"), "\(terminal.output)")
        terminal.type(Self.ctrlD)
        #expect(terminal.wait() == 0, "\(terminal.output)")
    }

    @Test func ctrlCInterruptsARunningEntryAndTheSessionGoesOn() throws {
        let stateHome = try Self.temporaryStateHome()
        let terminal = try Self.start(stateHome: stateHome)
        terminal.type("print('sleeping') cmo.sleep(30)\r")
        #expect(terminal.waitFor("sleeping\r\n"), "\(terminal.output)")
        Self.enter(Self.ctrlC, on: terminal, shows: "interrupted")
        Self.enter("print('still ' .. 'here')", on: terminal, shows: "still here\r\n")
        terminal.type(Self.ctrlD)
        #expect(terminal.wait() == 0, "\(terminal.output)")
        // The history file: beside the journal, private.
        let history = stateHome + "/cmo/repl_history"
        let attributes = try FileManager.default.attributesOfItem(atPath: history)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("cmo.sleep(30)"), "\(saved)")
    }
}
