/// Settings given on the command line; every field left `nil` falls back to the environment, then the profile.
public struct ConfigurationOverrides: Sendable {
    public var apiURL: String?
    public var tenant: String?
    /// The token URL, or the Keycloak base URL that `auth/realms/{realm}/protocol/openid-connect/token` is added to.
    public var authURL: String?
    /// The realm used when `authURL` is a base URL (default: the tenant).
    public var realm: String?
    public var clientID: String?
    /// A file holding the client secret (flags never take the secret itself, which `ps` would show).
    public var clientSecretFile: String?
    /// The profile of the configuration file (default: `CMO_PROFILE`, else `default`).
    public var profile: String?
    /// The configuration file (default: `$XDG_CONFIG_HOME/cmo/config.toml`, else `~/.config/cmo/config.toml`).
    public var configFile: String?
    public var credentialStyle: Configuration.Auth.CredentialStyle?
    public var requestsPerSecond: Double?
    public var maxInFlight: Int?
    public var httpDebug: Bool?

    public init(
        apiURL: String? = nil, tenant: String? = nil, authURL: String? = nil, realm: String? = nil,
        clientID: String? = nil, clientSecretFile: String? = nil, profile: String? = nil, configFile: String? = nil,
        credentialStyle: Configuration.Auth.CredentialStyle? = nil, requestsPerSecond: Double? = nil,
        maxInFlight: Int? = nil, httpDebug: Bool? = nil
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
    }
}
