/// Settings given on the command line; every field left `nil` falls back to the environment, then the profile.
public struct ConfigurationOverrides: Sendable {
    /// The API URL, everything before `/{tenant}`.
    public var apiURL: String?
    /// The tenant.
    public var tenant: String?
    /// The token URL, or the Keycloak base URL that `auth/realms/{realm}/protocol/openid-connect/token` is added to.
    public var authURL: String?
    /// The realm used when `authURL` is a base URL (default: the tenant).
    public var realm: String?
    /// The client id.
    public var clientID: String?
    /// A file holding the client secret (flags never take the secret itself, which `ps` would show).
    public var clientSecretFile: String?
    /// The profile of the configuration file (default: `CMO_PROFILE`, else `default`).
    public var profile: String?
    /// The configuration file (default: `$XDG_CONFIG_HOME/cmo/config.toml`, else `~/.config/cmo/config.toml`).
    public var configFile: String?
    /// Form fields or HTTP Basic for the client credentials.
    public var credentialStyle: Configuration.Auth.CredentialStyle?
    /// Requests per second at most.
    public var requestsPerSecond: Double?
    /// Requests in flight at most.
    public var maxInFlight: Int?
    /// Requests per second at most for every process of the tenant together (`--tenant-rate-limit`).
    public var tenantRequestsPerSecond: Double?
    /// Log HTTP traffic (redacted) at debug level.
    public var httpDebug: Bool?
    /// The longest `Retry-After` waited out, in seconds (`--max-retry-wait`); a longer one fails the request.
    public var maxRetryWait: Double?
    /// A PEM bundle of CAs trusted besides the system's (`--ca-file`).
    public var caFile: String?
    /// A client certificate, PEM (`--client-cert`).
    public var clientCertificateFile: String?
    /// The client certificate's key, PEM (`--client-key`).
    public var clientKeyFile: String?
    /// The proxy for every URL (`--proxy`), over the environment's `HTTPS_PROXY`/`HTTP_PROXY`.
    public var proxy: String?
    /// Hosts that bypass the proxy (`--no-proxy`), over `NO_PROXY`.
    public var noProxy: String?
    /// A backends file laid over the standard catalogue (`--backends`), over `CMO_BACKENDS_FILE`.
    public var backendsFile: String?

    public init(
        apiURL: String? = nil, tenant: String? = nil, authURL: String? = nil, realm: String? = nil,
        clientID: String? = nil, clientSecretFile: String? = nil, profile: String? = nil, configFile: String? = nil,
        credentialStyle: Configuration.Auth.CredentialStyle? = nil, requestsPerSecond: Double? = nil,
        maxInFlight: Int? = nil, httpDebug: Bool? = nil, maxRetryWait: Double? = nil, caFile: String? = nil,
        clientCertificateFile: String? = nil, clientKeyFile: String? = nil, proxy: String? = nil,
        noProxy: String? = nil, backendsFile: String? = nil, tenantRequestsPerSecond: Double? = nil
    ) {
        self.apiURL = apiURL
        self.tenant = tenant
        self.authURL = authURL
        self.realm = realm
        self.clientID = clientID
        self.clientSecretFile = clientSecretFile
        self.profile = profile
        self.configFile = configFile
        self.credentialStyle = credentialStyle
        self.requestsPerSecond = requestsPerSecond
        self.maxInFlight = maxInFlight
        self.httpDebug = httpDebug
        self.maxRetryWait = maxRetryWait
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.proxy = proxy
        self.noProxy = noProxy
        self.backendsFile = backendsFile
        self.tenantRequestsPerSecond = tenantRequestsPerSecond
    }
}
