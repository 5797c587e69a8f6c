/// A connection setting that `Configuration.load` can take from a flag, the environment or a profile.
public enum Setting: String, Sendable, CaseIterable {
    case apiURL, tenant, authURL, clientID, clientSecret

    /// The key in a configuration file profile.
    public var key: String {
        switch self {
        case .apiURL: "api_url"
        case .tenant: "tenant"
        case .authURL: "auth_url"
        case .clientID: "client_id"
        case .clientSecret: "client_secret"
        }
    }

    /// The command-line flag.
    public var flag: String {
        switch self {
        case .apiURL: "--api-url"
        case .tenant: "--tenant"
        case .authURL: "--auth-url"
        case .clientID: "--client-id"
        case .clientSecret: "--client-secret-file"
        }
    }

    /// The environment variable.
    public var environmentVariable: String {
        switch self {
        case .apiURL: "CMO_API_URL"
        case .tenant: "CMO_TENANT"
        case .authURL: "CMO_AUTH_URL"
        case .clientID: "CMO_CLIENT_ID"
        case .clientSecret: "CMO_CLIENT_SECRET"
        }
    }
}
