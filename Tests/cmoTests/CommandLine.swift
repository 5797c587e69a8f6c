import Foundation

/// Runs the built `cmo` binary (beside the test bundle) and collects what it did.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `cmo` executable of this build.
    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("cmo")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/cmo")
    }

    /// `XDG_STATE_HOME` of every `cmo` these tests start.
    static let stateHome = FileManager.default.temporaryDirectory
        .appendingPathComponent("cmo-tests-state-\(ProcessInfo.processInfo.processIdentifier)").path

    /// The start of the line a journaled run that stopped or had failures ends with.
    static let resumeHint = "cmo: resume with: cmo run --resume "

    /// Starts `cmo arguments...`; the caller waits.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, input: String? = nil
    ) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        if let input {
            let stdin = Pipe()
            process.standardInput = stdin
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.executableURL = executable
        process.arguments = arguments
        // Journals go to a directory of this test process, never to the user's ~/.local/state.
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": stateHome]) { _, new in new }
            .merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Reads `pipe` until what came contains `marker` (or the writer closed it); returns what was read.
    static func read(_ pipe: Pipe, until marker: String) -> Data {
        let reader = pipe.fileHandleForReading
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains(marker) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        return seen
    }

    /// Runs `cmo arguments...` to the end, with `input` on its standard input.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, input: String? = nil
    ) throws -> Result {
        let (process, out, err) = try start(arguments, environment: environment, in: directory, input: input)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Writes `source` to `name` in a new temporary directory and returns the directory; scripts run there by a
    /// relative path keep short chunk names (Lua shortens names longer than 60 bytes).
    static func workspace(_ source: String, name: String = "workflow.lua") throws -> String {
        URL(fileURLWithPath: try script(source, name: name)).deletingLastPathComponent().path
    }

    /// Writes `source` to a new temporary `name` and returns its path.
    static func script(_ source: String, name: String = "workflow.lua") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try source.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
