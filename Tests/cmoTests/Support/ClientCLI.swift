import Foundation
import Testing

/// Runs the built `cmo` binary, and a `cmo sim` process for it to talk to.
enum ClientCLI {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `cmo` binary built next to this test bundle (`.build/<config>/cmo`).
    static var binary: URL {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("cmo"),
            Bundle.main.bundleURL.appendingPathComponent("cmo"),
            packageRoot.appendingPathComponent(".build/debug/cmo"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }

    /// Runs `cmo arguments...` with exactly `environment`, waits, and returns its exit status and output.
    static func run(_ arguments: [String], environment: [String: String]) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// A `cmo sim` process on a free port; `environment` holds the `CMO_*` variables it printed.
    final class Simulator: @unchecked Sendable {
        let process = Process()
        let environment: [String: String]
        let directory: URL

        init(_ arguments: [String] = [], fleet: Int = 50) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-sim-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let outURL = directory.appendingPathComponent("out")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            process.executableURL = ClientCLI.binary
            process.arguments = ["sim", "--port", "0", "--fleet", "\(fleet)", "--seed", "3"] + arguments
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line: Substring?
            for _ in 0..<200 where line == nil {
                let text = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
                line = text.split(separator: "\n").first { $0.hasPrefix("CMO_API_URL=") }
                if line == nil { Thread.sleep(forTimeInterval: 0.05) }
            }
            var environment = ["HOME": directory.path, "PATH": "/usr/bin:/bin"]
            for pair in (line ?? "").split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { environment[String(parts[0])] = String(parts[1]) }
            }
            self.environment = environment
        }

        /// The simulator's own origin (`http://127.0.0.1:PORT`), where `/_sim/changes` lives.
        var origin: String {
            let url = URL(string: environment["CMO_API_URL"] ?? "")
            return "http://\(url?.host ?? "127.0.0.1"):\(url?.port ?? 0)"
        }

        /// Runs `cmo` against this simulator.
        func cmo(_ arguments: String...) throws -> Result {
            try ClientCLI.run(arguments, environment: environment)
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
