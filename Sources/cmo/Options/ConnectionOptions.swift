import ArgumentParser
import CMOClient

/// Where the API is and how to authenticate: flags over `CMO_*` environment variables over a config-file profile.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Profile of the configuration file (default: $CMO_PROFILE, else 'default').")
    var profile: String?

    @Option(name: .customLong("config"), help: "Configuration file (default: $XDG_CONFIG_HOME/cmo/config.toml).")
    var configFile: String?

    @Option(name: .customLong("api-url"), help: "API URL, everything before /{tenant} ($CMO_API_URL).")
    var apiURL: String?

    @Option(help: "Tenant ($CMO_TENANT).")
    var tenant: String?

    @Option(name: .customLong("auth-url"), help: "Token URL, or Keycloak base URL ($CMO_AUTH_URL).")
    var authURL: String?

    @Option(help: "Keycloak realm when --auth-url is a base URL (default: the tenant).")
    var realm: String?

    @Option(name: .customLong("client-id"), help: "Client id ($CMO_CLIENT_ID).")
    var clientID: String?

    @Option(
        name: .customLong("client-secret-file"),
        help: "File holding the client secret ($CMO_CLIENT_SECRET, $CMO_CLIENT_SECRET_FILE).")
    var clientSecretFile: String?

    @Option(name: .customLong("credentials"), help: "Send the client credentials as 'form' fields or HTTP 'basic'.")
    var credentialStyle: Configuration.Auth.CredentialStyle?

    @Option(name: .customLong("rate-limit"), help: "Requests per second at most (default: no limit).")
    var rateLimit: Double?

    @Option(name: .customLong("max-in-flight"), help: "Requests in flight at most (default: 64).")
    var maxInFlight: Int?

    @Option(
        name: .customLong("max-retry-wait"),
        help: ArgumentHelp(
            "Longest Retry-After to wait out, in seconds (default: 60, $CMO_MAX_RETRY_WAIT); a longer one fails "
                + "the request with a rate_limited error.",
            valueName: "seconds"))
    var maxRetryWait: Double?

    @Option(
        name: .customLong("ca-file"),
        help: ArgumentHelp("PEM file of CAs trusted besides the system's ($CMO_CA_FILE).", valueName: "file"))
    var caFile: String?

    @Option(
        name: .customLong("client-cert"),
        help: ArgumentHelp("Client certificate (PEM) for mutual TLS ($CMO_CLIENT_CERT).", valueName: "file"))
    var clientCert: String?

    @Option(
        name: .customLong("client-key"),
        help: ArgumentHelp("The client certificate's private key (PEM) ($CMO_CLIENT_KEY).", valueName: "file"))
    var clientKey: String?

    @Option(
        help: ArgumentHelp(
            "Proxy for every request, http://[user:password@]host:port (default: $HTTPS_PROXY for https, "
                + "$HTTP_PROXY for http).",
            valueName: "url"))
    var proxy: String?

    @Option(
        name: .customLong("no-proxy"),
        help: ArgumentHelp("Hosts reached without the proxy, comma-separated ($NO_PROXY).", valueName: "hosts"))
    var noProxy: String?

    @Option(
        name: .customLong("backends"),
        help: ArgumentHelp(
            "TOML file laid over the backends table (as cmo sim --backends; $CMO_BACKENDS_FILE).", valueName: "file"))
    var backendsFile: String?

    @Flag(
        name: .customLong("http-debug"),
        help: "Log every request and response to stderr (secrets redacted).")
    var httpDebug = false

    /// The flags as configuration overrides.
    var overrides: ConfigurationOverrides {
        ConfigurationOverrides(
            apiURL: apiURL, tenant: tenant, authURL: authURL, realm: realm, clientID: clientID,
            clientSecretFile: clientSecretFile, profile: profile, configFile: configFile,
            credentialStyle: credentialStyle, requestsPerSecond: rateLimit, maxInFlight: maxInFlight,
            httpDebug: httpDebug, maxRetryWait: maxRetryWait, caFile: caFile, clientCertificateFile: clientCert,
            clientKeyFile: clientKey, proxy: proxy, noProxy: noProxy, backendsFile: backendsFile)
    }
}

extension Configuration.Auth.CredentialStyle: ExpressibleByArgument {}
