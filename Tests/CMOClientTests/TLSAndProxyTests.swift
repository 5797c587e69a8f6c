import CMOClient
import CMOSimulator
import CMOTestSupport
import Foundation
import Logging
import Testing

/// HTTPS end to end with real parts: the simulator over TLS with certificates made here, a real tinyproxy, and each
/// failure provoked for real (a second CA, an expired certificate, a wrong host name, a plain port, 407, a refusal).
@Suite(.serialized) struct TLSAndProxyTests {
    /// A directory of its own for the certificates of one test.
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "cmo-tls-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A simulator serving TLS with a generated CA (written to `caFile`).
    static func tlsSimulator(_ tls: SimulatorConfiguration.TLS = .init()) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(fleetSize: 30, seed: 5, asyncDelayMilliseconds: 100)
        configuration.tls = tls
        return configuration
    }

    /// The test simulator's client configuration, with `apiHost`/`tokenHost` in place of 127.0.0.1.
    static func configuration(
        _ sim: TestSimulator, tls: Configuration.TLS, proxy: Configuration.Proxy = .init(),
        apiHost: String = "127.0.0.1", tokenHost: String = "127.0.0.1"
    ) -> Configuration {
        var configuration = sim.clientConfiguration
        configuration.apiURL = configuration.apiURL.replacingOccurrences(of: "127.0.0.1", with: apiHost)
        configuration.auth.tokenURL = configuration.auth.tokenURL.replacingOccurrences(of: "127.0.0.1", with: tokenHost)
        configuration.tls = tls
        configuration.proxy = proxy
        return configuration
    }

    /// Expects `body` to fail with a configuration error (exit 2 in `cmo`), after one attempt, with `message`.
    static func expectConfigurationError(
        _ message: (String) -> Bool, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("expected a configuration error", sourceLocation: sourceLocation)
        } catch let error as CMOError {
            #expect(error.kind == .configuration, "\(error)", sourceLocation: sourceLocation)
            #expect(error.isConfigurationProblem, sourceLocation: sourceLocation)
            #expect(!error.retryable, sourceLocation: sourceLocation)
            #expect(message(error.message), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Trust

    @Test func theTutorialRunsOverTLSWithTheSimulatorsCA() async throws {
        let caFile = try await TestSimulator.with(Self.tlsSimulator()) { sim in
            let caFile = try #require(sim.simulator.caFile)
            #expect(sim.simulator.apiURL.hasPrefix("https://127.0.0.1:"))
            #expect(try String(contentsOfFile: caFile, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE-----"))
            try await withClient(Self.configuration(sim, tls: .init(caFile: caFile))) { client in
                try await Self.replayTutorial(sim, client)
            }
            return caFile
        }
        // The generated CA's temporary file goes with the simulator.
        #expect(!FileManager.default.fileExists(atPath: caFile))
    }

    @Test func withoutTheCAFileTheCertificateIsNotTrustedAndNothingIsRetried() async throws {
        try await TestSimulator.with(Self.tlsSimulator()) { sim in
            try await withClient(Self.configuration(sim, tls: .init())) { client in
                await Self.expectConfigurationError({
                    $0 == "certificate for 127.0.0.1 is not trusted: give --ca-file with the CA that signed it"
                }) {
                    _ = try await client.product(id: sim.simulator.products[0].id)
                }
                #expect(client.statistics.tokenFetches == 1)
                #expect(client.statistics.retries == 0)
            }
        }
    }

    @Test func aSecondCAIsNotTrusted() async throws {
        let directory = try Self.directory()
        let other = try CertificateAuthority(commonName: "another CA")
        let otherFile = directory + "/other-ca.pem"
        try other.certificatePEM.write(toFile: otherFile, atomically: true, encoding: .utf8)
        try await TestSimulator.with(Self.tlsSimulator()) { sim in
            try await withClient(Self.configuration(sim, tls: .init(caFile: otherFile))) { client in
                await Self.expectConfigurationError({
                    $0 == "certificate for 127.0.0.1 is not trusted: give --ca-file (\(otherFile) does not hold "
                        + "the CA that signed it)"
                }) {
                    _ = try await client.accessToken()
                }
            }
        }
    }

    @Test func anExpiredCertificateIsNamedSo() async throws {
        let directory = try Self.directory()
        let authority = try CertificateAuthority(commonName: "test CA")
        let expired = try authority.issue(
            commonName: "expired", hosts: ["127.0.0.1"], notValidBefore: Date().addingTimeInterval(-86_400 * 10),
            notValidAfter: Date().addingTimeInterval(-86_400))
        let files = try expired.write(to: directory, name: "expired")
        let caFile = directory + "/ca.pem"
        try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        try await TestSimulator.with(
            Self.tlsSimulator(.init(certificate: .files(certificate: files.certificate, key: files.key)))
        ) { sim in
            #expect(sim.simulator.caFile == nil)
            try await withClient(Self.configuration(sim, tls: .init(caFile: caFile))) { client in
                await Self.expectConfigurationError({
                    $0.hasPrefix("certificate for 127.0.0.1 expired on ") && $0.hasSuffix(": the server must renew it")
                }) {
                    _ = try await client.accessToken()
                }
            }
        }
    }

    @Test func aCertificateForAnotherHostIsAHostNameMismatch() async throws {
        let directory = try Self.directory()
        let authority = try CertificateAuthority(commonName: "test CA")
        let files = try authority.issue(commonName: "elsewhere", hosts: ["elsewhere.example"]).write(
            to: directory, name: "elsewhere")
        let caFile = directory + "/ca.pem"
        try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        try await TestSimulator.with(
            Self.tlsSimulator(.init(certificate: .files(certificate: files.certificate, key: files.key)))
        ) { sim in
            // Reached as localhost: the certificate names elsewhere.example only.
            try await withClient(
                Self.configuration(sim, tls: .init(caFile: caFile), apiHost: "localhost", tokenHost: "localhost")
            ) { client in
                await Self.expectConfigurationError({
                    $0 == "certificate of localhost:\(sim.simulator.port) is not for localhost (host name mismatch): "
                        + "use a name the certificate holds"
                }) {
                    _ = try await client.accessToken()
                }
            }
        }
    }

    @Test func tlsSpokenToAPlainPortSaysSo() async throws {
        try await TestSimulator.with(SimulatorConfiguration(fleetSize: 5, seed: 5)) { sim in
            var configuration = sim.clientConfiguration
            configuration.apiURL = configuration.apiURL.replacingOccurrences(of: "http://", with: "https://")
            configuration.auth.tokenURL = configuration.auth.tokenURL.replacingOccurrences(of: "http://", with: "https://")
            try await withClient(configuration) { client in
                await Self.expectConfigurationError({
                    $0 == "127.0.0.1:\(sim.simulator.port) does not speak TLS (a plain-HTTP port?): use an http:// "
                        + "URL or the server's HTTPS port"
                }) {
                    _ = try await client.accessToken()
                }
                #expect(client.statistics.tokenFetches == 1)
            }
        }
    }

    @Test func mutualTLSNeedsTheClientCertificate() async throws {
        let directory = try Self.directory()
        let clients = try CertificateAuthority(commonName: "client CA")
        let clientCAFile = directory + "/client-ca.pem"
        try clients.certificatePEM.write(toFile: clientCAFile, atomically: true, encoding: .utf8)
        let identity = try clients.issue(commonName: "cmo client", hosts: ["cmo-client"]).write(to: directory, name: "client")
        try await TestSimulator.with(Self.tlsSimulator(.init(clientCAFile: clientCAFile))) { sim in
            let caFile = try #require(sim.simulator.caFile)
            let withIdentity = Configuration.TLS(
                caFile: caFile, clientCertificateFile: identity.certificate, clientKeyFile: identity.key)
            try await withClient(Self.configuration(sim, tls: withIdentity)) { client in
                let product = try await client.product(id: sim.simulator.products[0].id)
                #expect(product["id"]?.stringValue == sim.simulator.products[0].id)
            }
            // Without it the server ends the handshake. Under TLS 1.3 the client has finished its side by then, so
            // what it sees is the connection closing (a network error), not an alert it could name.
            try await withClient(Self.configuration(sim, tls: .init(caFile: caFile))) { client in
                await #expect(throws: CMOError.self) {
                    _ = try await client.accessToken()
                }
            }
        }
    }

    // MARK: Proxies

    @Test func theTutorialThroughTinyproxyTunnelsWithConnect() async throws {
        let proxy = try TinyProxy()
        try await TestSimulator.with(Self.tlsSimulator()) { sim in
            let caFile = try #require(sim.simulator.caFile)
            let server = try ProxyServer(proxy.url)
            try await withClient(Self.configuration(sim, tls: .init(caFile: caFile), proxy: .init(all: server))) {
                client in
                try await Self.replayTutorial(sim, client)
            }
        }
        #expect(proxy.connectTargets.contains { $0.hasPrefix("127.0.0.1:") })
    }

    @Test func noProxyIsMatchedPerHostSoTheTokenEndpointCanGoDirect() async throws {
        let proxy = try TinyProxy()
        try await TestSimulator.with(Self.tlsSimulator()) { sim in
            let caFile = try #require(sim.simulator.caFile)
            let routes = Configuration.Proxy(all: try ProxyServer(proxy.url), noProxy: NoProxy("localhost"))
            try await withClient(
                Self.configuration(sim, tls: .init(caFile: caFile), proxy: routes, tokenHost: "localhost")
            ) { client in
                _ = try await client.product(id: sim.simulator.products[0].id)
                #expect(client.statistics.tokenFetches == 1)
            }
        }
        let targets = proxy.connectTargets
        #expect(!targets.isEmpty)
        #expect(targets.allSatisfy { $0.hasPrefix("127.0.0.1:") })
    }

    @Test func aProxyAskingForCredentialsIs407AndTheRightOnesPassUnlogged() async throws {
        let password = "pr0xy-pa55-\(UUID().uuidString.prefix(6))"
        let proxy = try TinyProxy(basicAuth: ("alice", password))
        try await TestSimulator.with(Self.tlsSimulator()) { sim in
            let caFile = try #require(sim.simulator.caFile)
            let anonymous = Configuration.Proxy(all: try ProxyServer(proxy.url))
            try await withClient(Self.configuration(sim, tls: .init(caFile: caFile), proxy: anonymous)) { client in
                await Self.expectConfigurationError({
                    $0 == "proxy \(proxy.url) asks for authentication (407): give http://USER:PASSWORD@host:port as "
                        + "the proxy"
                }) {
                    _ = try await client.accessToken()
                }
            }
            let withCredentials = try ProxyServer("http://alice:\(password)@127.0.0.1:\(proxy.port)")
            #expect("\(withCredentials)" == "http://alice:***@127.0.0.1:\(proxy.port)")
            var configuration = Self.configuration(
                sim, tls: .init(caFile: caFile), proxy: .init(all: withCredentials))
            configuration.httpDebug = true
            let (logger, store) = CapturingLogHandler.logger()
            try await withClient(configuration, logger: logger) { client in
                _ = try await client.product(id: sim.simulator.products[0].id)
                let token = try await client.accessToken().value.value
                let logged = store.all.joined(separator: "\n")
                #expect(logged.contains("via proxy http://alice:***@127.0.0.1:\(proxy.port)"))
                #expect(!logged.contains(password))
                #expect(!logged.contains(token))
                #expect(!logged.contains(sim.simulator.defaultClient.secret))
            }
        }
        #expect(!proxy.connectTargets.isEmpty)
    }

    @Test func aProxyRefusingTheConnectIsAConfigurationError() async throws {
        let proxy = try TinyProxy(connectPorts: [443])
        try await TestSimulator.with(Self.tlsSimulator()) { sim in
            let caFile = try #require(sim.simulator.caFile)
            let routes = Configuration.Proxy(all: try ProxyServer(proxy.url))
            try await withClient(Self.configuration(sim, tls: .init(caFile: caFile), proxy: routes)) { client in
                await Self.expectConfigurationError({
                    $0 == "proxy \(proxy.url) refused to connect to 127.0.0.1:\(sim.simulator.port): check its "
                        + "rules, or list 127.0.0.1 in NO_PROXY"
                }) {
                    _ = try await client.accessToken()
                }
            }
        }
    }

    @Test func aProxyNobodyListensOnIsAConfigurationError() async throws {
        let port = try TinyProxy.freePort()
        try await TestSimulator.with(Self.tlsSimulator()) { sim in
            let caFile = try #require(sim.simulator.caFile)
            let routes = Configuration.Proxy(all: try ProxyServer("http://bob:secret-pw@127.0.0.1:\(port)"))
            try await withClient(Self.configuration(sim, tls: .init(caFile: caFile), proxy: routes)) { client in
                await Self.expectConfigurationError({
                    $0.hasPrefix("cannot connect to proxy http://bob:***@127.0.0.1:\(port) (connection refused)")
                }) {
                    _ = try await client.accessToken()
                }
            }
        }
    }

    // MARK: The tutorial

    /// Token, list, read, a synchronous change, an asynchronous change and its monitor.
    static func replayTutorial(_ sim: TestSimulator, _ client: CMOClient) async throws {
        var listed = 0
        for try await _ in client.list(fields: ["id", "status"], pageSize: 10, readAhead: 1) { listed += 1 }
        #expect(listed == 30)
        let sync = try #require(sim.simulator.cellular(status: "INACTIVE", asynchronous: false))
        let async = try #require(sim.simulator.cellular(status: "INACTIVE", asynchronous: true))
        let product = try await client.product(id: sync.id)
        #expect(product["id"]?.stringValue == sync.id)
        guard case .completed = try await client.patch(id: sync.id, ops: [.setStatus("ACTIVE")]) else {
            Issue.record("a synchronous backend should answer 200")
            return
        }
        guard case .accepted(let monitor) = try await client.patch(id: async.id, ops: [.setStatus("ACTIVE")]) else {
            Issue.record("an asynchronous backend should answer 202")
            return
        }
        let done = try await client.awaitMonitor(monitor, timeout: .seconds(20))
        #expect(done.state == .completed)
    }
}
