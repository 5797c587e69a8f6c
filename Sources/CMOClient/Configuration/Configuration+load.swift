import Foundation

extension Configuration {
    /// A configuration read from flags, the environment and a profile, with the warnings met on the way.
    public struct Loaded: Sendable {
        /// The configuration to build a client from.
        public var configuration: Configuration
        /// Warnings for the user, such as a secret file readable by others.
        public var warnings: [String]
        /// The profile that was used.
        public var profile: String
        /// The configuration file that was looked at.
        public var configFile: String
    }

    /// The default configuration file: `$XDG_CONFIG_HOME/cmo/config.toml`, else `~/.config/cmo/config.toml`.
    public static func defaultConfigFile(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return "\(xdg)/cmo/config.toml"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.config/cmo/config.toml"
    }

    /// Builds a configuration from, highest first: `overrides` (flags), the environment (`CMO_API_URL`,
    /// `CMO_TENANT`, `CMO_AUTH_URL`, `CMO_CLIENT_ID`, `CMO_CLIENT_SECRET`, `CMO_CLIENT_SECRET_FILE`, `CMO_PROFILE`,
    /// `CMO_MAX_RETRY_WAIT`, `CMO_CA_FILE`, `CMO_CLIENT_CERT`, `CMO_CLIENT_KEY`, and curl's `HTTPS_PROXY`,
    /// `HTTP_PROXY`, `NO_PROXY` in either case),
    /// and a profile of the configuration file.
    ///
    /// - Throws: A `.configuration` `CMOError` naming a missing setting and the three ways to give it, or saying
    ///   what is wrong with a value or the file.
    public static func load(
        overrides: ConfigurationOverrides = ConfigurationOverrides(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CMOError) -> Loaded {
        func env(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let path = overrides.configFile ?? defaultConfigFile(environment: environment)
        let profileName = overrides.profile ?? env("CMO_PROFILE") ?? "default"
        let file = try ConfigurationFile.read(at: path)
        if overrides.configFile != nil, file == nil {
            throw CMOError.configurationFile(path, "no such file")
        }
        let explicitProfile = overrides.profile != nil || env("CMO_PROFILE") != nil
        let profile: ConfigurationFile.Profile
        if let found = file?.profiles?[profileName] {
            profile = found
        } else if explicitProfile {
            let known = (file?.profiles?.keys).map { $0.sorted().joined(separator: ", ") } ?? ""
            throw CMOError.configurationFile(
                path, "no profile '\(profileName)'" + (known.isEmpty ? "" : " (profiles: \(known))"))
        } else {
            profile = ConfigurationFile.Profile()
        }
        var warnings: [String] = []

        func required(_ setting: Setting, _ flag: String?, _ fromProfile: String?) throws(CMOError) -> String {
            if let value = flag ?? env(setting.environmentVariable) ?? fromProfile, !value.isEmpty { return value }
            throw CMOError.missingSetting(setting, profile: profileName, configPath: path)
        }

        let apiURL = try required(.apiURL, overrides.apiURL, profile.apiURL)
        let tenant = try required(.tenant, overrides.tenant, profile.tenant)
        let authURL = try required(.authURL, overrides.authURL, profile.authURL)
        let clientID = try required(.clientID, overrides.clientID, profile.clientID)
        try validateHTTPURL(apiURL, setting: .apiURL)
        try validateHTTPURL(authURL, setting: .authURL)

        // The secret: a file from a flag, the environment, a file from the environment, the profile's value or file.
        let secret: String
        if let secretFile = overrides.clientSecretFile {
            secret = try readSecretFile(secretFile, warnings: &warnings)
        } else if let value = env("CMO_CLIENT_SECRET") {
            secret = value
        } else if let secretFile = env("CMO_CLIENT_SECRET_FILE") {
            secret = try readSecretFile(secretFile, warnings: &warnings)
        } else if let value = profile.clientSecret, !value.isEmpty {
            secret = value
            if let warning = permissionWarning(path: path, what: "configuration file \(path) holds client_secret and")
            {
                warnings.append(warning)
            }
        } else if let secretFile = profile.clientSecretFile {
            secret = try readSecretFile(expandTilde(secretFile, environment: environment), warnings: &warnings)
        } else {
            throw CMOError.missingSetting(.clientSecret, profile: profileName, configPath: path)
        }

        let style: Auth.CredentialStyle
        if let chosen = overrides.credentialStyle {
            style = chosen
        } else if let name = profile.credentialStyle {
            guard let parsed = Auth.CredentialStyle(rawValue: name) else {
                throw CMOError.invalidSetting("credential_style", "expected form or basic, got '\(name)'")
            }
            style = parsed
        } else {
            style = .form
        }

        var auth = Auth(
            tokenURL: tokenURL(authURL: authURL, realm: overrides.realm ?? profile.realm ?? tenant),
            clientID: clientID, clientSecret: Secret(secret), credentialStyle: style
        )
        if let scope = profile.scope { auth.scope = scope.isEmpty ? nil : scope }
        if let skew = profile.tokenRefreshSkew { auth.refreshSkew = .milliseconds(Int64(skew * 1000)) }

        var timeout = Timeout()
        if let connect = profile.connectTimeout { timeout.connect = .milliseconds(Int64(connect * 1000)) }
        if let request = profile.requestTimeout { timeout.request = .milliseconds(Int64(request * 1000)) }

        let maxInFlight = overrides.maxInFlight ?? profile.maxInFlight ?? Limits().maxInFlight
        guard maxInFlight > 0 else { throw CMOError.invalidSetting("max_in_flight", "must be at least 1") }
        let rate = overrides.requestsPerSecond ?? profile.rateLimit
        if let rate, rate <= 0 { throw CMOError.invalidSetting("rate_limit", "must be above 0") }
        let tenantRate = overrides.tenantRequestsPerSecond ?? profile.tenantRateLimit
        if let tenantRate, !(tenantRate > 0 && tenantRate.isFinite) {
            throw CMOError.invalidSetting("tenant_rate_limit", "must be above 0")
        }

        var retry = RetryPolicy()
        let maxRetryWait: Double?
        if let flag = overrides.maxRetryWait {
            maxRetryWait = flag
        } else if let text = env("CMO_MAX_RETRY_WAIT") {
            guard let seconds = Double(text) else {
                throw CMOError.invalidSetting("max_retry_wait", "expected a number of seconds, got '\(text)'")
            }
            maxRetryWait = seconds
        } else {
            maxRetryWait = profile.maxRetryWait
        }
        if let maxRetryWait {
            guard maxRetryWait >= 0, maxRetryWait.isFinite else {
                throw CMOError.invalidSetting("max_retry_wait", "must be 0 or more seconds")
            }
            retry.maximumRetryAfter = .milliseconds(Int64(maxRetryWait * 1000))
        }

        let tls = TLS(
            caFile: (overrides.caFile ?? env("CMO_CA_FILE") ?? profile.caFile.map { expandTilde($0, environment: environment) }),
            clientCertificateFile: overrides.clientCertificateFile ?? env("CMO_CLIENT_CERT")
                ?? profile.clientCert.map { expandTilde($0, environment: environment) },
            clientKeyFile: overrides.clientKeyFile ?? env("CMO_CLIENT_KEY")
                ?? profile.clientKey.map { expandTilde($0, environment: environment) })
        _ = try tls.makeTLSConfiguration()  // every file readable and usable now, not at the first request
        let proxy = try loadProxy(overrides: overrides, profile: profile, environment: environment)

        let backendsFile = overrides.backendsFile ?? env("CMO_BACKENDS_FILE")
            ?? profile.backendsFile.map { expandTilde($0, environment: environment) }
        let configuration = Configuration(
            apiURL: apiURL, tenant: tenant, auth: auth, timeout: timeout, retry: retry,
            limits: Limits(maxInFlight: maxInFlight, requestsPerSecond: rate, tenantRequestsPerSecond: tenantRate),
            httpDebug: overrides.httpDebug ?? false, backends: try backendsFile.map(loadBackends) ?? .standard,
            tls: tls, proxy: proxy
        )
        return Loaded(configuration: configuration, warnings: warnings, profile: profileName, configFile: path)
    }

    /// The standard backend catalogue with the backends file at `path` laid over it.
    static func loadBackends(_ path: String) throws(CMOError) -> BackendCatalogue {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CMOError.invalidSetting("backends_file", "cannot read \(path)")
        }
        do {
            return try BackendCatalogue.standard.overridden(byTOML: text)
        } catch {
            throw CMOError.invalidSetting("backends_file", "\(path): \(error)")
        }
    }

    /// The proxies: `--proxy` (every scheme) over the environment (per scheme) over the profile's `proxy`; and
    /// `--no-proxy` over `NO_PROXY` over the profile's `no_proxy`.
    static func loadProxy(
        overrides: ConfigurationOverrides, profile: ConfigurationFile.Profile, environment: [String: String]
    ) throws(CMOError) -> Proxy {
        var proxy = try Proxy.fromEnvironment(environment)
        if let flag = overrides.proxy, !flag.isEmpty {
            let server = try ProxyServer(flag, setting: "proxy")
            proxy.https = server
            proxy.http = server
        } else if proxy.https == nil, proxy.http == nil, let value = profile.proxy, !value.isEmpty {
            let server = try ProxyServer(value, setting: "proxy")
            proxy.https = server
            proxy.http = server
        }
        if let list = overrides.noProxy {
            proxy.noProxy = NoProxy(list)
        } else if proxy.noProxy.description.isEmpty, let list = profile.noProxy {
            proxy.noProxy = NoProxy(list)
        }
        return proxy
    }

    /// The token URL for an auth URL: a URL whose path ends in `/token` is used as it is; any other is a Keycloak
    /// base URL, to which `/auth/realms/{realm}/protocol/openid-connect/token` is added (`/realms/...` when the base
    /// already ends in `/auth`).
    public static func tokenURL(authURL: String, realm: String) -> String {
        var base = authURL
        while base.hasSuffix("/") { base.removeLast() }
        let path = URLComponents(string: base)?.path ?? ""
        if path.hasSuffix("/token") { return base }
        if path.hasSuffix("/realms/\(realm)") { return "\(base)/protocol/openid-connect/token" }
        if path.hasSuffix("/auth") { return "\(base)/realms/\(realm)/protocol/openid-connect/token" }
        return "\(base)/auth/realms/\(realm)/protocol/openid-connect/token"
    }

    private static func validateHTTPURL(_ value: String, setting: Setting) throws(CMOError) {
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw CMOError.invalidSetting(setting.key, "expected an http(s) URL, got '\(value)'")
        }
    }

    private static func expandTilde(_ path: String, environment: [String: String]) -> String {
        guard path.hasPrefix("~/") else { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }

    /// Reads a secret from a file (trailing newline trimmed), warning when group or others may read it.
    static func readSecretFile(_ path: String, warnings: inout [String]) throws(CMOError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CMOError.invalidSetting("client_secret_file", "cannot read \(path)")
        }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw CMOError.invalidSetting("client_secret_file", "\(path) is empty") }
        if let warning = permissionWarning(path: path, what: "secret file \(path)") {
            warnings.append(warning)
        }
        return secret
    }

    /// A warning when the file at `path` is readable by its group or by others.
    static func permissionWarning(path: String, what: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value
        else { return nil }
        guard mode & 0o044 != 0 else { return nil }
        return "warning: \(what) is readable by group or others (mode \(String(mode & 0o777, radix: 8))); "
            + "run: chmod 600 \(path)"
    }
}
