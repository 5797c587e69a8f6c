import CMOTestSupport
import Foundation
import Synchronization

/// The built `cmo` on a real pseudo-terminal: util-linux `script` (Debian bsdutils, always installed) gives it a
/// terminal of its own, as its controlling terminal, so libedit edits lines and Ctrl-C is the terminal's. Keys
/// go in as bytes; ``waitFor(_:after:)`` waits until the screen output holds a text.
final class PseudoTerminalSession: Sendable {
    private let process: Process
    private let keyboard: FileHandle
    private let screen = Screen()

    /// What the terminal showed, written by the reading handler's thread.
    private final class Screen: Sendable {
        let text = Mutex("")
    }

    /// Starts `cmo arguments...` on a terminal with `environment` added (and `TERM=xterm`).
    init(_ arguments: [String], environment: [String: String]) throws {
        let binary = try CMOBinary.url().path
        // `exec`: the shell `script` starts must not stay as cmo's parent, since Ctrl-C on the terminal signals the
        // whole foreground group, and a shell that dies of it makes `script` report 130 whatever cmo did.
        let command = "exec " + ([binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", command, "/dev/null"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .merging(["TERM": "xterm", "COLUMNS": "80", "LINES": "24"]) { _, new in new }
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        keyboard = input.fileHandleForWriting
        try process.run()
        // A thread of its own reads until the end of the output, holding the handle: Foundation's
        // `readabilityHandler` keeps firing at the end of the file, and one that fires after the handle is closed
        // (the session released) stops the whole test process on "Bad file descriptor".
        let screen = self.screen
        let reading = output.fileHandleForReading
        Thread.detachNewThread {
            while case let data = reading.availableData, !data.isEmpty {
                screen.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
    }

    /// Everything written to the terminal so far.
    var output: String { screen.text.withLock { $0 } }

    /// Types `keys` (raw bytes: "\r" is Enter, "\u{3}" Ctrl-C, "\u{1B}[D" the left arrow).
    func type(_ keys: String) {
        keyboard.write(Data(keys.utf8))
    }

    /// Waits until the output after its first `offset` characters contains `text`; false after 30 s.
    @discardableResult
    func waitFor(_ text: String, after offset: Int = 0) -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if output.dropFirst(offset).contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits for the prompt (`> `) written after the first `offset` characters of output.
    @discardableResult
    func waitForPrompt(after offset: Int) -> Bool {
        waitFor("> ", after: offset)
    }

    /// Waits for the process to end; its exit status, or nil when it had not ended after 30 s (it is killed).
    func wait() -> Int32? {
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}
