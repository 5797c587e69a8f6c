import CMOTestSupport
import Foundation
import Testing

/// `cmo sim` as a process: the two lines it prints, flags reaching the server, and a clean stop on a signal.
/// Runs the `cmo` binary that `swift build --build-tests` puts next to the test bundle.
@Suite struct SimCommandTests {
    @Test func printsListeningLineAndEnvironmentThenStopsOnSIGTERM() async throws {
        let sim = try SimProcess(fleet: 30, seed: 5, [
            "--tenant", "acme", "--tenant", "eos", "--client", "ops:s3cret:rw", "--client", "viewer:v:ro",
            "--token-ttl", "60", "--async-delay-ms", "10",
        ])
        let lines = sim.lines
        try #require(lines.count == 2)
        let listening = try #require(lines[0].wholeMatch(of: /cmo sim listening on (http:\/\/127\.0\.0\.1:(\d+))/))
        let base = String(listening.output.1)
        let environment = sim.printedVariables
        #expect(lines[1].hasPrefix("CMO_API_URL="))
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

        let stopped = try sim.stop(signal: SIGTERM)
        #expect(stopped.terminationReason == .exit)
        #expect(stopped.status == 0)
    }

    @Test func stopsCleanlyOnSIGINT() throws {
        let sim = try SimProcess(fleet: 5)
        #expect(sim.lines.first?.hasPrefix("cmo sim listening on http://127.0.0.1:") == true)
        let stopped = try sim.stop(signal: SIGINT)
        #expect(stopped.terminationReason == .exit)
        #expect(stopped.status == 0)
    }

    @Test func badFlagsAreRefused() throws {
        for arguments in [["--client", "nosecret"], ["--fault-rate", "2"], ["--token-ttl", "0"], ["--client", "a:b:admin"]] {
            // A simulator that accepted the flags would run until the time limit and fail the test.
            let result = try CMOBinary.run(["sim", "--port", "0"] + arguments, timeout: .seconds(60))
            #expect(result.terminationReason == .exit && result.status != 0, "\(arguments)")
        }
    }

    @Test func backendsFileOverridesTheTableAndABadOneExits2() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-backends-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.toml")
        try "[backends.TMSP]\nasynchronous = 1\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try CMOBinary.run(["sim", "--port", "0", "--backends", bad.path], timeout: .seconds(60))
        #expect(refused.terminationReason == .exit && refused.status == 2)
        #expect(refused.stderr.contains("--backends \(bad.path): line 2: backends.TMSP.asynchronous: must be true or false"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        let missing = try CMOBinary.run(["sim", "--port", "0", "--backends", directory.appendingPathComponent("none.toml").path], timeout: .seconds(60))
        #expect(missing.status == 2 && missing.stderr.contains("cannot read the file"))

        let good = directory.appendingPathComponent("good.toml")
        try "[backends.TMSP]\nasynchronous = false\n".write(to: good, atomically: true, encoding: .utf8)
        let sim = try SimProcess(fleet: 60, seed: 5, ["--backends", good.path])
        #expect(sim.lines.count == 2)
        let environment = sim.printedVariables
        let token = try TutorialReplayTests.run([
            "--silent", "-X", "POST", environment["CMO_AUTH_URL"] ?? "", "-d",
            "grant_type=client_credentials&client_id=cmo-demo&client_secret=cmo-demo-secret",
        ])
        let accessToken = try #require((try JSONSerialization.jsonObject(with: Data(token.utf8)) as? [String: Any])?["access_token"] as? String)
        let list = try TutorialReplayTests.run([
            "--silent", "-H", "Authorization: Bearer \(accessToken)",
            (environment["CMO_API_URL"] ?? "") + "/eos/product?fields=id,status&status=INACTIVE&pageSize=100",
        ])
        let ids = ((try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [String: Any])?["entities"] as? [[String: Any]] ?? [])
            .compactMap { $0["id"] as? String }
        let tmsp = try #require(ids.first { $0.hasPrefix("TMSP-") })
        let patched = try TutorialReplayTests.run([
            "--silent", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH", "-H", "Authorization: Bearer \(accessToken)",
            "-H", "Content-Type: application/json-patch+json", "-d", #"[{"op":"replace","path":"/status","value":"ACTIVE"}]"#,
            (environment["CMO_API_URL"] ?? "") + "/eos/product/\(tmsp)-simCard",
        ])
        #expect(patched == "200", "TMSP made synchronous by the file answers at once")
        _ = try sim.stop(signal: SIGTERM)
    }
}
