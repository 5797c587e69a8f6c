import CMOTestSupport
import Foundation
import Testing

/// `cmo list/get/patch/monitor/token` end to end: the built binary against a `cmo sim` process.
@Suite(.serialized) struct ClientCommandTests {
    /// The ids in a JSON array of entities, in order.
    static func ids(_ json: String) throws -> [String] {
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return array.compactMap { $0["id"] as? String }
    }

    @Test func listPrintsTheFirstPageAsJSONWhenNotOnATerminal() throws {
        let sim = try SimProcess()
        let result = try sim.cmo("list")
        #expect(result.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 10)
        #expect(array.allSatisfy { Set($0.keys) == ["id", "status", "connectivityType"] })
    }

    @Test func listAllWalksEveryPage() throws {
        let sim = try SimProcess()
        let result = try sim.cmo("list", "--all", "--page-size", "7", "--fields", "id")
        #expect(result.status == 0)
        let ids = try Self.ids(result.stdout)
        #expect(ids.count == 50)
        #expect(Set(ids).count == 50)
    }

    @Test func listTableHasAHeaderAndARowPerProduct() throws {
        let sim = try SimProcess()
        let result = try sim.cmo("list", "--output", "table", "--page-size", "4")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.first?.hasPrefix("ID ") == true)
        #expect(lines.first?.contains("  STATUS  ") == true)
        #expect(lines.first?.hasSuffix("  CONNECTIVITYTYPE") == true)
    }

    @Test func getUnknownProductPrintsTheProblemAndExitsOne() throws {
        let sim = try SimProcess()
        let result = try sim.cmo("get", "JASPER-0000")
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: GET product/JASPER-0000 failed with HTTP 404")
        #expect(lines.contains("  title: Error"))
        #expect(lines.contains("  type: Not Found"))
        #expect(lines.contains("  detail: Product with id JASPER-0000 not found"))
        #expect(lines.contains { $0.hasPrefix("  correlation id: ") && $0.count > 30 })
        #expect(result.stdout.isEmpty)
    }

    @Test func patchAndWaitFollowTheTutorial() throws {
        let sim = try SimProcess(["--async-delay-ms", "300"])
        let listing = try sim.cmo("list", "--all", "--page-size", "50")
        let entities = try #require(
            try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        func first(_ prefixes: [String]) -> String? {
            entities.first { entity in
                let id = entity["id"] as? String ?? ""
                return entity["status"] as? String == "INACTIVE" && prefixes.contains { id.hasPrefix($0 + "-") }
            }?["id"] as? String
        }
        let sync = try #require(first(["JASPER", "TMUS", "1NCE"]))
        let async = try #require(first(["TMSP"]))

        let changed = try sim.cmo("patch", sync, "--status", "ACTIVE")
        #expect(changed.status == 0)
        #expect(changed.stdout.contains(#""status": "ACTIVE""#))
        #expect(changed.stdout.contains(#""id": "\#(sync)-simCard""#))

        let waited = try sim.cmo("patch", async, "--status", "ACTIVE", "--wait", "--timeout", "20")
        #expect(waited.status == 0)
        #expect(waited.stdout.contains(#""state": "Completed""#))

        let product = try sim.cmo("get", async, "--output", "json")
        #expect(product.stdout.contains(#""status": "ACTIVE""#))

        // Steps 4 and 5 apart: the monitor from the PATCH, then `cmo monitor --wait`.
        let accepted = try sim.cmo("patch", async, "--status", "SUSPENDED")
        #expect(accepted.status == 0)
        let monitor = try #require(
            try JSONSerialization.jsonObject(with: Data(accepted.stdout.utf8)) as? [String: Any])
        let monitorID = try #require(monitor["id"] as? String)
        #expect(monitor["state"] as? String == "InProgress")
        let followed = try sim.cmo("monitor", monitorID, "--wait", "--output", "table")
        #expect(followed.status == 0)
        #expect(followed.stdout.split(separator: "\n").first == "monitor: \(monitorID)")
        #expect(followed.stdout.contains("state:   Completed"))
    }

    @Test func patchNeedsAnOperation() throws {
        let sim = try SimProcess()
        let result = try sim.cmo("patch", "JASPER-1")
        #expect(result.status == 2)
        #expect(result.stderr == "error: give --status or at least one --op\n")
    }

    @Test func tokenPrintsOnlyTheExpiryUnlessAskedAndHTTPDebugRedacts() throws {
        let sim = try SimProcess()
        let plain = try sim.cmo("token", "--output", "table")
        #expect(plain.status == 0)
        #expect(plain.stdout.hasPrefix("token valid until "))
        #expect(!plain.stdout.contains("eyJ"))

        let shown = try sim.cmo("token", "--show", "--output", "table")
        #expect(shown.stdout.hasPrefix("eyJ"))

        let debug = try sim.cmo("list", "--http-debug", "--page-size", "2")
        #expect(debug.status == 0)
        #expect(debug.stderr.contains("Authorization: Bearer <redacted>"))
        #expect(debug.stderr.contains("client_secret=<redacted>"))
        #expect(!debug.stderr.contains("eyJ"))
        #expect(!debug.stderr.contains(sim.environment["CMO_CLIENT_SECRET"] ?? "?"))
    }

    @Test func missingSettingExitsTwoNamingTheWaysToGiveIt() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-home-\(UUID().uuidString)")
        let result = try CMOBinary.run(["list"], environment: ["HOME": home.path])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "error: missing setting 'api_url': pass --api-url, set CMO_API_URL, or add api_url to profile "
                + "'default' in \(home.path)/.config/cmo/config.toml\n")
    }

    @Test func aWrongClientSecretSaysInvalidClientOnceAndExitsTwo() throws {
        let sim = try SimProcess()
        var environment = sim.environment
        environment["CMO_CLIENT_SECRET"] = "not-the-secret"
        for arguments in [["list"], ["get", "JASPER-1"], ["token"]] {
            let result = try CMOBinary.run(arguments, environment: environment)
            #expect(result.status == 2, "cmo \(arguments[0])")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(
                lines.first
                    == "error: token request rejected: invalid_client: Invalid client or Invalid client credentials",
                "cmo \(arguments[0])")
            // Said once: no log line besides the report.
            #expect(lines.filter { $0.contains("invalid_client") }.count == 1, "cmo \(arguments[0])")
            #expect(lines.count == 2 && lines[1].hasPrefix("  correlation id: "), "cmo \(arguments[0])")
            #expect(!result.stderr.contains("not-the-secret"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aRunWithAWrongClientSecretExitsTwo() throws {
        let sim = try SimProcess()
        var environment = sim.environment
        environment["CMO_CLIENT_SECRET"] = "not-the-secret"
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-secret-\(UUID().uuidString).lua")
        try "print(cmo.product('JASPER-1').id)\n".write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let result = try CMOBinary.run(["run", "--no-journal", script.path], environment: environment)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("invalid_client: Invalid client or Invalid client credentials"))
        #expect(!result.stderr.contains("not-the-secret"))
    }

    @Test func aBadBackendsFileStopsTheCommandWithExitTwo() throws {
        let sim = try SimProcess()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("backends-\(UUID().uuidString).toml")
        try "[backends.TMUS]\nasynchronous = \"maybe\"\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try sim.cmo("list", "--backends", file.path)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: invalid setting 'backends_file': \(file.path): line 2: backends.TMUS.asynchronous"))
        let help = try CMOBinary.run(["run", "--help"])
        #expect(help.stdout.contains("--backends <file>"))
    }

    @Test func maxRetryWaitIsAnOptionOfTheClientCommands() throws {
        let result = try CMOBinary.run(["list", "--help"])
        #expect(result.stdout.contains("--max-retry-wait <seconds>"))
        let sim = try SimProcess()
        let bad = try sim.cmo("list", "--max-retry-wait=-1")
        #expect(bad.status == 2)
        #expect(bad.stderr == "error: invalid setting 'max_retry_wait': must be 0 or more seconds\n")
    }

    @Test func aBadRequestShowsEachValidationProblemOnItsOwnLine() throws {
        let sim = try SimProcess()
        let result = try sim.cmo("list", "--page-size", "1000")
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: GET product failed with HTTP 400")
        let errors = try #require(lines.firstIndex(of: "  errors:"))
        #expect(lines.count > errors + 1)
        #expect(lines[errors + 1].hasPrefix("    pageSize: "))
    }
}
