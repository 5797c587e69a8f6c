import Foundation
import Testing

@testable import CMOClient

@Suite struct ConfigurationLoadTests {
    /// A temporary `XDG_CONFIG_HOME` with `cmo/config.toml` holding `toml`.
    final class ConfigHome {
        let root: URL

        init(toml: String?) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-config-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("cmo"), withIntermediateDirectories: true)
            if let toml { try write(toml, to: "cmo/config.toml", mode: 0o600) }
        }

        @discardableResult
        func write(_ text: String, to relative: String, mode: Int) throws -> String {
            let path = root.appendingPathComponent(relative).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            return path
        }

        var environment: [String: String] { ["XDG_CONFIG_HOME": root.path, "HOME": root.path] }

        deinit {
            try? FileManager.default.removeItem(at: root)
        }
    }

    static let fullEnvironment = [
        "CMO_API_URL": "http://env.example/cmo/v5", "CMO_TENANT": "envtenant", "CMO_AUTH_URL": "http://env.example",
        "CMO_CLIENT_ID": "env-client", "CMO_CLIENT_SECRET": "env-secret",
    ]

    @Test func environmentAloneIsEnough() throws {
        let home = try ConfigHome(toml: nil)
        let loaded = try Configuration.load(environment: home.environment.merging(Self.fullEnvironment) { $1 })
        let configuration = loaded.configuration
        #expect(configuration.apiURL == "http://env.example/cmo/v5")
        #expect(configuration.tenant == "envtenant")
        #expect(configuration.auth.clientID == "env-client")
        #expect(configuration.auth.clientSecret.value == "env-secret")
        #expect(configuration.auth.tokenURL == "http://env.example/auth/realms/envtenant/protocol/openid-connect/token")
        #expect(configuration.tenantBaseURL == "http://env.example/cmo/v5/envtenant/")
        #expect(loaded.warnings.isEmpty)
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheProfile() throws {
        let home = try ConfigHome(
            toml: """
                [profiles.default]
                api_url = "http://file.example/v5"
                tenant = "filetenant"
                auth_url = "http://file.example/auth/realms/r1/protocol/openid-connect/token"
                client_id = "file-client"
                client_secret = "file-secret"
                rate_limit = 10
                max_in_flight = 8
                """)
        var environment = home.environment
        environment["CMO_TENANT"] = "envtenant"
        let loaded = try Configuration.load(
            overrides: ConfigurationOverrides(clientID: "flag-client", maxInFlight: 16), environment: environment)
        let configuration = loaded.configuration
        #expect(configuration.apiURL == "http://file.example/v5")
        #expect(configuration.tenant == "envtenant")
        #expect(configuration.auth.clientID == "flag-client")
        #expect(configuration.auth.clientSecret.value == "file-secret")
        #expect(configuration.auth.tokenURL == "http://file.example/auth/realms/r1/protocol/openid-connect/token")
        #expect(configuration.limits.requestsPerSecond == 10)
        #expect(configuration.limits.maxInFlight == 16)
        #expect(loaded.profile == "default")
    }

    @Test func namedProfileFromTheEnvironment() throws {
        let home = try ConfigHome(toml: nil)
        let secretPath = try home.write("s3cret\n", to: "secret", mode: 0o600)
        try home.write(
            """
            [profiles.default]
            tenant = "one"

            [profiles.staging]
            api_url = "http://staging.example/v5"
            tenant = "two"
            auth_url = "http://staging.example/auth"
            client_id = "c"
            client_secret_file = "\(secretPath)"
            credential_style = "basic"
            """, to: "cmo/config.toml", mode: 0o600)
        var environment = home.environment
        environment["CMO_PROFILE"] = "staging"
        let loaded = try Configuration.load(environment: environment)
        #expect(loaded.configuration.tenant == "two")
        #expect(loaded.configuration.auth.clientSecret.value == "s3cret")
        #expect(loaded.configuration.auth.credentialStyle == .basic)
        #expect(loaded.configuration.auth.tokenURL == "http://staging.example/auth/realms/two/protocol/openid-connect/token")
        #expect(loaded.warnings.isEmpty)
    }

    @Test func missingSettingNamesItAndTheThreeWaysToGiveIt() throws {
        let home = try ConfigHome(toml: nil)
        var environment = home.environment.merging(Self.fullEnvironment) { $1 }
        environment["CMO_TENANT"] = nil
        let error = try #require(throws: CMOError.self) { try Configuration.load(environment: environment) }
        #expect(error.kind == .configuration)
        #expect(
            error.message
                == "missing setting 'tenant': pass --tenant, set CMO_TENANT, or add tenant to profile 'default' in "
                + "\(home.root.path)/cmo/config.toml")
    }

    @Test func missingSecretNamesTheSecretSetting() throws {
        let home = try ConfigHome(toml: nil)
        var environment = home.environment.merging(Self.fullEnvironment) { $1 }
        environment["CMO_CLIENT_SECRET"] = nil
        let error = try #require(throws: CMOError.self) { try Configuration.load(environment: environment) }
        #expect(error.message.hasPrefix("missing setting 'client_secret': pass --client-secret-file, set CMO_CLIENT_SECRET"))
    }

    @Test func readableSecretFileWarns() throws {
        let home = try ConfigHome(toml: nil)
        let path = try home.write("s3cret", to: "secret", mode: 0o644)
        var environment = home.environment.merging(Self.fullEnvironment) { $1 }
        environment["CMO_CLIENT_SECRET"] = nil
        let loaded = try Configuration.load(
            overrides: ConfigurationOverrides(clientSecretFile: path), environment: environment)
        #expect(loaded.configuration.auth.clientSecret.value == "s3cret")
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.contains("readable by group or others (mode 644)") == true)
        #expect(loaded.warnings.first?.contains("chmod 600 \(path)") == true)
    }

    @Test func unknownExplicitProfileIsAnError() throws {
        let home = try ConfigHome(toml: "[profiles.default]\ntenant = \"x\"\n")
        let error = try #require(throws: CMOError.self) {
            try Configuration.load(overrides: ConfigurationOverrides(profile: "prod"), environment: home.environment)
        }
        #expect(error.message.contains("no profile 'prod' (profiles: default)"))
    }

    @Test func brokenTOMLIsAClearError() throws {
        let home = try ConfigHome(toml: "[profiles.default\ntenant = ")
        let error = try #require(throws: CMOError.self) { try Configuration.load(environment: home.environment) }
        #expect(error.kind == .configuration)
        #expect(error.message.hasPrefix("cannot use configuration file \(home.root.path)/cmo/config.toml: line 1"))
    }

    @Test func badURLsAreRejected() throws {
        let home = try ConfigHome(toml: nil)
        var environment = home.environment.merging(Self.fullEnvironment) { $1 }
        environment["CMO_API_URL"] = "not a url"
        let error = try #require(throws: CMOError.self) { try Configuration.load(environment: environment) }
        #expect(error.message == "invalid setting 'api_url': expected an http(s) URL, got 'not a url'")
    }

    @Test(arguments: [
        ("http://kc", "http://kc/auth/realms/eos/protocol/openid-connect/token"),
        ("http://kc/", "http://kc/auth/realms/eos/protocol/openid-connect/token"),
        ("http://kc/auth", "http://kc/auth/realms/eos/protocol/openid-connect/token"),
        ("http://kc/auth/realms/eos", "http://kc/auth/realms/eos/protocol/openid-connect/token"),
        ("http://kc/auth/realms/x/protocol/openid-connect/token", "http://kc/auth/realms/x/protocol/openid-connect/token"),
    ])
    func tokenURLFromAuthURL(authURL: String, expected: String) {
        #expect(Configuration.tokenURL(authURL: authURL, realm: "eos") == expected)
    }
}
