import CMOTestSupport
import Foundation
import Testing

/// `cmo.parallel`'s progress, end to end: a live line on a terminal, periodic lines off one. (The tasks prelude
/// once called a nil global for each item, so neither ever showed.)
@Suite struct ProgressLineTests {
    static let script = """
        local items = {}
        for i = 1, 40 do items[i] = i end
        local _, failures = cmo.parallel(items, function(i)
          cmo.sleep(0.01)
          if i % 10 == 0 then error("item " .. i) end
        end, { concurrency = 4 })
        print("failures", failures)
        """

    @Test func aTerminalGetsOneLiveLine() throws {
        let path = try CLI.script(Self.script)
        let cmo = try CMOBinary.url().path
        // util-linux `script` runs the command on a pseudo-terminal and copies what it draws.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", "\(cmo) run --no-journal --no-api \(path)", "/dev/null"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TERM": "xterm"]) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let screen = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(screen)")
        #expect(screen.contains("failures\t4"))
        // The line is redrawn in place (carriage return, erase line) and ends with every item counted.
        #expect(screen.contains("\r\u{1B}[K40/40 done"), "\(screen.debugDescription)")
        #expect(screen.contains("4 failed"))
        #expect(!screen.contains("progress: "))
    }

    @Test func offATerminalProgressComesAsPeriodicLines() throws {
        let path = try CLI.script(Self.script)
        let result = try CLI.run(["run", "--no-journal", "--no-api", "--progress-interval", "0.02", path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("progress: ") }
        #expect(!lines.isEmpty, "\(result.stderr)")
        #expect(lines.last?.hasPrefix("progress: 40/40 done") == true, "\(result.stderr)")
        #expect(lines.last?.contains("4 failed") == true)
        #expect(!result.stderr.contains("\u{1B}[K"))
    }

    @Test func aBadIntervalIsAUsageError() throws {
        let result = try CLI.run(["run", "--no-journal", "--no-api", "--progress-interval", "0", "x.lua"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--progress-interval must be a positive number of seconds"))
    }
}
