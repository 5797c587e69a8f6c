import CMOTestSupport
import Foundation
import Testing

/// The built `cmo` against `cmo sim --tls`, directly and through a real tinyproxy, as an operator would run it:
/// the printed `CMO_CA_FILE`, `HTTPS_PROXY` with credentials, `--http-debug`, and the exit codes of what is
/// theirs to fix.
@Suite(.serialized) struct TLSProxyCommandTests {
    @Test func theTutorialThroughTinyproxyOverTLS() throws {
        let password = "tiny-pw-\(UUID().uuidString.prefix(8))"
        let proxy = try TinyProxy(basicAuth: ("ops", password))
        let sim = try SimProcess(fleet: 40, seed: 3, ["--tls", "--async-delay-ms", "200"])
        var environment = sim.environment
        environment["HTTPS_PROXY"] = "http://ops:\(password)@127.0.0.1:\(proxy.port)"
        func cmo(_ arguments: String...) throws -> CommandResult {
            try CMOBinary.run(arguments, environment: environment)
        }
        let token = try cmo("token")
        #expect(token.status == 0, "\(token)")
        let listing = try cmo("list", "--all", "--page-size", "20", "--fields", "id,status")
        #expect(listing.status == 0, "\(listing)")
        let entities = try #require(
            try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        #expect(entities.count == 40)
        let target = try #require(
            entities.first { ($0["status"] as? String) == "INACTIVE" && (($0["id"] as? String)?.hasPrefix("TMSP-") ?? false) }?["id"]
                as? String)
        let changed = try cmo("patch", target, "--status", "ACTIVE", "--wait", "--timeout", "20")
        #expect(changed.status == 0, "\(changed)")
        #expect(changed.stdout.contains(#""state": "Completed""#))
        let product = try cmo("get", target, "--output", "json")
        #expect(product.stdout.contains(#""status": "ACTIVE""#))
        // Every request went through the proxy, tunnelled: at least one CONNECT per command.
        let port = try #require(URL(string: sim.printedVariables["CMO_API_URL"] ?? "")?.port)
        #expect(proxy.connectTargets.count >= 4)
        #expect(proxy.connectTargets.allSatisfy { $0 == "127.0.0.1:\(port)" })
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(port) HTTP/1.1"))
    }

    @Test func httpDebugThroughTheProxyLeaksNoSecretTokenOrProxyPassword() throws {
        let password = "tiny-pw-\(UUID().uuidString.prefix(8))"
        let proxy = try TinyProxy(basicAuth: ("ops", password))
        let sim = try SimProcess(fleet: 10, seed: 3, ["--tls"])
        var environment = sim.environment
        environment["HTTPS_PROXY"] = "http://ops:\(password)@127.0.0.1:\(proxy.port)"
        let token = try CMOBinary.run(["token"], environment: environment)
        let accessToken = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.status == 0 && accessToken.count > 20, "\(token)")
        let listed = try CMOBinary.run(["list", "--http-debug"], environment: environment)
        #expect(listed.status == 0, "\(listed)")
        let debug = listed.stderr
        #expect(debug.contains("via proxy http://ops:***@127.0.0.1:\(proxy.port)"))
        #expect(debug.contains("--> GET https://127.0.0.1:"))
        #expect(debug.contains("client_secret=<redacted>"))
        #expect(debug.contains("Authorization: Bearer <redacted>"))
        #expect(!debug.contains(password))
        #expect(!debug.contains(sim.printedVariables["CMO_CLIENT_SECRET"] ?? "?"))
        #expect(!debug.contains(String(accessToken.prefix(40))))
        #expect(!proxy.connectTargets.isEmpty)
    }

    @Test func whatTheOperatorMustFixExitsTwoAtOnce() throws {
        let sim = try SimProcess(fleet: 10, seed: 3, ["--tls"])
        var untrusted = sim.environment
        untrusted["CMO_CA_FILE"] = nil
        let noCA = try CMOBinary.run(["list"], environment: untrusted)
        #expect(noCA.status == 2)
        #expect(noCA.stderr == "error: certificate for 127.0.0.1 is not trusted: give --ca-file with the CA that signed it\n")

        let proxy = try TinyProxy(basicAuth: ("ops", "right"))
        var unauthenticated = sim.environment
        unauthenticated["https_proxy"] = proxy.url
        let asked = try CMOBinary.run(["list"], environment: unauthenticated)
        #expect(asked.status == 2)
        #expect(asked.stderr.contains("proxy \(proxy.url) asks for authentication (407)"))

        // NO_PROXY names the simulator's host: the proxy is not used at all.
        unauthenticated["NO_PROXY"] = "127.0.0.1"
        let direct = try CMOBinary.run(["list"], environment: unauthenticated)
        #expect(direct.status == 0, "\(direct)")

        let badURL = try CMOBinary.run(["list", "--proxy", "socks5://u:hunter2@127.0.0.1:1080"], environment: sim.environment)
        #expect(badURL.status == 2)
        #expect(badURL.stderr.contains("only http:// proxies are supported"))
        #expect(!badURL.stderr.contains("hunter2"))
    }
}
