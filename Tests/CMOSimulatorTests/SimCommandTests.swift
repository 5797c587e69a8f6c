import Foundation
import Testing

/// `cmo sim` as a process: the two lines it prints, flags reaching the server, and a clean stop on a signal.
/// Runs the `cmo` binary that `swift build --build-tests` puts next to the test bundle.
@Suite struct SimCommandTests {
    static let binary: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("cmo")]
            + ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/cmo") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Starts `cmo sim` with `arguments`, returns the process and the two lines it printed.
    static func start(_ arguments: [String]) throws -> (Process, Pipe, [String]) {
        let process = Process()
        process.executableURL = try #require(binary)
        process.arguments = ["sim"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let handle = output.fileHandleForReading
        while text.filter({ $0 == "\n" }).count < 2 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return (process, output, text.split(separator: "\n").map(String.init))
    }

    @Test(.enabled(if: binary != nil, "the cmo binary is built"))
    func printsListeningLineAndEnvironmentThenStopsOnSIGTERM() async throws {
        let (process, _, lines) = try Self.start([
            "--port", "0", "--fleet", "30", "--seed", "5", "--tenant", "acme", "--tenant", "eos",
            "--client", "ops:s3cret:rw", "--client", "viewer:v:ro", "--token-ttl", "60", "--async-delay-ms", "10",
        ])
        defer { if process.isRunning { process.terminate() } }
        try #require(lines.count == 2)
        let listening = try #require(lines[0].wholeMatch(of: /cmo sim listening on (http:\/\/127\.0\.0\.1:(\d+))/))
        let base = String(listening.output.1)
        var environment: [String: String] = [:]
        for pair in lines[1].split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { environment[parts[0]] = parts[1] }
        }
        #expect(environment == [
            "CMO_API_URL": base + "/connection-management-orchestrator/v5",
            "CMO_TENANT": "acme",
            "CMO_AUTH_URL": base + "/auth/realms/cmo/protocol/openid-connect/token",
            "CMO_CLIENT_ID": "ops",
            "CMO_CLIENT_SECRET": "s3cret",
        ])
        // The printed environment is enough to get a token and list the fleet.
        let token = try TutorialReplayTests.run([
            "--silent", "-X", "POST", environment["CMO_AUTH_URL"] ?? "", "-H", "Content-Type: application/x-www-form-urlencoded",
            "-d", "grant_type=client_credentials&client_id=ops&client_secret=s3cret",
        ])
        let accessToken = try #require((try JSONSerialization.jsonObject(with: Data(token.utf8)) as? [String: Any])?["access_token"] as? String)
        let health = try TutorialReplayTests.run(["--silent", base + "/_sim/health"])
        #expect(health.contains(#""products":30"#))
        let list = try TutorialReplayTests.run([
            "--silent", "-H", "Authorization: Bearer \(accessToken)", (environment["CMO_API_URL"] ?? "") + "/acme/product?fields=id&pageSize=5",
        ])
        #expect(list.hasPrefix(#"{"entities":[{"id":"#))

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test(.enabled(if: binary != nil, "the cmo binary is built"))
    func stopsCleanlyOnSIGINT() throws {
        let (process, _, lines) = try Self.start(["--port", "0", "--fleet", "5"])
        defer { if process.isRunning { process.terminate() } }
        #expect(lines.first?.hasPrefix("cmo sim listening on http://127.0.0.1:") == true)
        process.interrupt()  // SIGINT
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    @Test(.enabled(if: binary != nil, "the cmo binary is built"))
    func badFlagsAreRefused() throws {
        for arguments in [["--client", "nosecret"], ["--fault-rate", "2"], ["--token-ttl", "0"], ["--client", "a:b:admin"]] {
            let process = Process()
            process.executableURL = try #require(Self.binary)
            process.arguments = ["sim", "--port", "0"] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus != 0, "\(arguments)")
        }
    }
}
