import CMOSimulator
import Foundation
import Testing

@testable import CMOClient

/// Proxy and TLS settings without a network: curl's NO_PROXY rules, proxy URLs and their redaction, and where
/// `Configuration.load` finds `--proxy`, `HTTPS_PROXY`, `ca_file` and the client certificate.
@Suite struct ProxyAndTrustSettingsTests {
    @Test func noProxyMatchesDomainsAtADotAddressesRangesAndPorts() {
        let list = NoProxy(" .corp.example, localhost,10.0.0.0/8 , 192.168.1.7, api.example:8443, [::1]")
        #expect(list.matches(host: "corp.example", port: 443))
        #expect(list.matches(host: "gw.corp.example", port: 443))
        #expect(list.matches(host: "GW.Corp.Example.", port: 443))
        #expect(!list.matches(host: "badcorp.example", port: 443))
        #expect(list.matches(host: "localhost", port: 80))
        #expect(list.matches(host: "10.20.30.40", port: 443))
        #expect(!list.matches(host: "11.0.0.1", port: 443))
        #expect(list.matches(host: "192.168.1.7", port: 443))
        #expect(!list.matches(host: "192.168.1.8", port: 443))
        #expect(list.matches(host: "api.example", port: 8443))
        #expect(!list.matches(host: "api.example", port: 443))
        #expect(list.matches(host: "[::1]", port: 443))
        #expect(!list.matches(host: "127.0.0.1", port: 443))
        #expect(NoProxy("*").matches(host: "anything.example", port: 1))
        #expect(!NoProxy("").matches(host: "localhost", port: 1))
    }

    @Test func theProxyIsChosenPerURLBySchemeAndNoProxy() throws {
        let secure = try ProxyServer("http://proxy.corp:3128")
        let plain = try ProxyServer("plain.corp:8080")
        let proxy = Configuration.Proxy(https: secure, http: plain, noProxy: NoProxy("auth.corp"))
        #expect(proxy.server(for: "https://api.example/cmo/v5") == secure)
        #expect(proxy.server(for: "http://api.example/cmo/v5") == plain)
        #expect(proxy.server(for: "https://auth.corp/realms/x/token") == nil)
        #expect(Configuration.Proxy().server(for: "https://api.example") == nil)
    }

    @Test func proxyURLsKeepCredentialsButNeverShowThePassword() throws {
        let server = try ProxyServer("http://al%40ice:p%3Ass@proxy.corp:3128")
        #expect(server.host == "proxy.corp")
        #expect(server.port == 3128)
        #expect(server.username == "al@ice")
        #expect(server.password?.value == "p:ss")
        #expect("\(server)" == "http://al@ice:***@proxy.corp:3128")
        #expect(try ProxyServer("proxy.corp").port == 1080)
        do {
            _ = try ProxyServer("https://bob:hunter2@proxy.corp:3128", setting: "HTTPS_PROXY")
            Issue.record("an https:// proxy should be refused")
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.message.contains("bob:***@proxy.corp"))
            #expect(!error.message.contains("hunter2"))
            #expect(error.message.hasPrefix("invalid setting 'HTTPS_PROXY': only http:// proxies are supported"))
        }
    }

    @Test func theEnvironmentIsReadAsCurlReadsIt() throws {
        let proxy = try Configuration.Proxy.fromEnvironment([
            "https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2", "HTTP_PROXY": "http://plain:3",
            "NO_PROXY": "localhost",
        ])
        #expect(proxy.https?.host == "lower")
        #expect(proxy.http?.host == "plain")
        #expect(proxy.noProxy.matches(host: "localhost", port: 443))
        let empty = try Configuration.Proxy.fromEnvironment(["HTTPS_PROXY": ""])
        #expect(empty.https == nil)
    }

    static let environment = [
        "CMO_API_URL": "https://api.example/cmo/v5", "CMO_TENANT": "t", "CMO_AUTH_URL": "https://auth.example",
        "CMO_CLIENT_ID": "c", "CMO_CLIENT_SECRET": "s", "HOME": "/nonexistent-home", "XDG_CONFIG_HOME": "/nonexistent",
    ]

    @Test func flagsOverTheEnvironmentOverTheProfileForProxiesAndTrust() throws {
        let directory = NSTemporaryDirectory() + "cmo-trust-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/cmo", withIntermediateDirectories: true)
        let authority = try CertificateAuthority(commonName: "corp root")
        let caFile = directory + "/corp.pem"
        try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        try """
        [profiles.default]
        proxy = "http://profile.corp:3128"
        no_proxy = "profile.example"
        ca_file = "\(caFile)"
        """.write(toFile: directory + "/cmo/config.toml", atomically: true, encoding: .utf8)
        var environment = Self.environment
        environment["XDG_CONFIG_HOME"] = directory

        let fromProfile = try Configuration.load(environment: environment).configuration
        #expect(fromProfile.proxy.https?.host == "profile.corp")
        #expect(fromProfile.proxy.noProxy.description == "profile.example")
        #expect(fromProfile.tls.caFile == caFile)

        environment["HTTPS_PROXY"] = "http://env.corp:8080"
        environment["NO_PROXY"] = "env.example"
        let fromEnvironment = try Configuration.load(environment: environment).configuration
        #expect(fromEnvironment.proxy.https?.host == "env.corp")
        #expect(fromEnvironment.proxy.http == nil)
        #expect(fromEnvironment.proxy.noProxy.description == "env.example")

        let fromFlags = try Configuration.load(
            overrides: ConfigurationOverrides(proxy: "http://flag.corp:1", noProxy: "flag.example"),
            environment: environment
        ).configuration
        #expect(fromFlags.proxy.https?.host == "flag.corp")
        #expect(fromFlags.proxy.http?.host == "flag.corp")
        #expect(fromFlags.proxy.noProxy.description == "flag.example")

        environment["CMO_CA_FILE"] = directory + "/missing.pem"
        do {
            _ = try Configuration.load(environment: environment)
            Issue.record("a missing CA file should be refused at load")
        } catch {
            #expect(error.message == "invalid setting 'ca_file': cannot read \(directory)/missing.pem")
        }
    }

    @Test func aClientCertificateNeedsItsKeyAndUsablePEM() throws {
        let directory = NSTemporaryDirectory() + "cmo-identity-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let identity = try CertificateAuthority(commonName: "client CA").issue(commonName: "me", hosts: ["me"])
            .write(to: directory, name: "me")
        let good = Configuration.TLS(clientCertificateFile: identity.certificate, clientKeyFile: identity.key)
        _ = try good.makeTLSConfiguration()
        do {
            _ = try Configuration.TLS(clientCertificateFile: identity.certificate).makeTLSConfiguration()
            Issue.record("a certificate without its key should be refused")
        } catch {
            #expect(error.message == "invalid setting 'client_key': a client certificate needs its key: give --client-key")
        }
        do {
            _ = try Configuration.TLS(caFile: identity.key).makeTLSConfiguration()
            Issue.record("a key is not a CA bundle")
        } catch {
            #expect(error.message.hasPrefix("invalid setting 'ca_file': \(identity.key) "))
        }
    }
}
