import Foundation
import TOMLKit

/// The configuration file: named profiles under `[profiles.NAME]`.
///
/// ```toml
/// [profiles.default]
/// api_url = "https://host/api-gw/connection-management-orchestrator/v5"
/// tenant = "eos"
/// auth_url = "https://host"            # or the full token URL
/// client_id = "my-app"
/// client_secret_file = "~/.config/cmo/secret"
/// rate_limit = 10                       # requests per second (optional)
/// tenant_rate_limit = 20                # requests per second for every process of the tenant (optional)
/// max_in_flight = 32                    # optional
/// max_retry_wait = 60                   # seconds; a longer Retry-After fails the request (optional)
/// ca_file = "~/.config/cmo/corp-root.pem"  # CAs trusted besides the system's (optional)
/// client_cert = "..." / client_key = "..." # mutual TLS (optional)
/// proxy = "http://proxy.corp:3128"      # over HTTPS_PROXY/HTTP_PROXY (optional)
/// no_proxy = "localhost,.corp"          # over NO_PROXY (optional)
/// journal = "postgres://cmo@db:5432/cmo" # the journal, below --journal and CMO_JOURNAL (optional)
/// ```
struct ConfigurationFile: Decodable, Sendable {
    /// One profile: every key is optional.
    struct Profile: Decodable, Sendable {
        var apiURL: String?
        var tenant: String?
        var authURL: String?
        var realm: String?
        var clientID: String?
        var clientSecret: String?
        var clientSecretFile: String?
        var credentialStyle: String?
        var scope: String?
        var rateLimit: Double?
        var tenantRateLimit: Double?
        var maxInFlight: Int?
        var connectTimeout: Double?
        var requestTimeout: Double?
        var tokenRefreshSkew: Double?
        var maxRetryWait: Double?
        var caFile: String?
        var clientCert: String?
        var clientKey: String?
        var proxy: String?
        var noProxy: String?
        var backendsFile: String?
        var journal: String?

        enum CodingKeys: String, CodingKey {
            case apiURL = "api_url", tenant, authURL = "auth_url", realm, clientID = "client_id"
            case clientSecret = "client_secret", clientSecretFile = "client_secret_file"
            case credentialStyle = "credential_style", scope, rateLimit = "rate_limit", tenantRateLimit = "tenant_rate_limit", maxInFlight = "max_in_flight"
            case connectTimeout = "connect_timeout", requestTimeout = "request_timeout"
            case tokenRefreshSkew = "token_refresh_skew", maxRetryWait = "max_retry_wait"
            case caFile = "ca_file", clientCert = "client_cert", clientKey = "client_key", proxy, noProxy = "no_proxy"
            case backendsFile = "backends_file", journal
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            apiURL = try container.decodeIfPresent(String.self, forKey: .apiURL)
            tenant = try container.decodeIfPresent(String.self, forKey: .tenant)
            authURL = try container.decodeIfPresent(String.self, forKey: .authURL)
            realm = try container.decodeIfPresent(String.self, forKey: .realm)
            clientID = try container.decodeIfPresent(String.self, forKey: .clientID)
            clientSecret = try container.decodeIfPresent(String.self, forKey: .clientSecret)
            clientSecretFile = try container.decodeIfPresent(String.self, forKey: .clientSecretFile)
            credentialStyle = try container.decodeIfPresent(String.self, forKey: .credentialStyle)
            scope = try container.decodeIfPresent(String.self, forKey: .scope)
            rateLimit = try Self.number(container, .rateLimit)
            tenantRateLimit = try Self.number(container, .tenantRateLimit)
            maxInFlight = try container.decodeIfPresent(Int.self, forKey: .maxInFlight)
            connectTimeout = try Self.number(container, .connectTimeout)
            requestTimeout = try Self.number(container, .requestTimeout)
            tokenRefreshSkew = try Self.number(container, .tokenRefreshSkew)
            maxRetryWait = try Self.number(container, .maxRetryWait)
            caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
            clientCert = try container.decodeIfPresent(String.self, forKey: .clientCert)
            clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
            proxy = try container.decodeIfPresent(String.self, forKey: .proxy)
            noProxy = try container.decodeIfPresent(String.self, forKey: .noProxy)
            backendsFile = try container.decodeIfPresent(String.self, forKey: .backendsFile)
            journal = try container.decodeIfPresent(String.self, forKey: .journal)
        }

        /// TOML tells integers from floats; accept either where a number of seconds or a rate is meant.
        private static func number(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws
            -> Double?
        {
            if let integer = try? container.decodeIfPresent(Int.self, forKey: key) { return Double(integer) }
            return try container.decodeIfPresent(Double.self, forKey: key)
        }
    }

    var profiles: [String: Profile]?

    /// Reads and parses the file at `path`; `nil` when there is no such file.
    static func read(at path: String) throws(CMOError) -> ConfigurationFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CMOError.configurationFile(path, "cannot read it")
        }
        do {
            return try TOMLDecoder().decode(ConfigurationFile.self, from: text)
        } catch let error as TOMLParseError {
            throw CMOError.configurationFile(
                path, "line \(error.source.begin.line): \(error.description)")
        } catch {
            throw CMOError.configurationFile(path, "unexpected value type (\(Self.describe(error)))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return "invalid" }
        switch decodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            return context.codingPath.map(\.stringValue).joined(separator: ".")
        @unknown default:
            return "invalid"
        }
    }
}
