import ArgumentParser
import CMOClient
import CMOEngine
import CMOJournal
import Logging

/// `cmo run --tenant-rate-limit N` (profile key `tenant_rate_limit`): requests per second for every `cmo` process of
/// one tenant and client together, kept in the PostgreSQL journal (``TenantRateBucket``), on top of the process's
/// own `--rate-limit`.
struct TenantRateLimitOptions: ParsableArguments {
    @Option(
        name: .customLong("tenant-rate-limit"),
        help: ArgumentHelp(
            "Requests per second at most for every cmo process of this tenant and client together, shared through "
                + "the PostgreSQL journal (needs --journal postgres://...).",
            valueName: "N"))
    var requestsPerSecond: Double?

    func validate() throws {
        if let rate = requestsPerSecond, !(rate > 0 && rate.isFinite) {
            throw ValidationError("--tenant-rate-limit must be a positive number of requests per second")
        }
    }

    /// `api` with the tenant's shared pace on its configuration, and the journal handle that keeps it (the caller
    /// closes it after the run). Without a tenant rate limit (`--tenant-rate-limit`, or the profile's
    /// `tenant_rate_limit`), `api` as it is.
    ///
    /// - Parameter journal: the run's journal; nil with `--no-journal`.
    /// - Throws: exit 2 (nothing started) without a PostgreSQL journal, without an API, with a configuration
    ///   problem, or when the database cannot be reached.
    func apply(to api: APISource, journal: JournalOptions.Choice?, logger: Logger) async throws -> (
        source: APISource, bucketJournal: PostgresJournal?
    ) {
        guard var configuration = try limited(api), let rate = configuration.limits.tenantRequestsPerSecond else {
            return (api, nil)
        }
        guard case .postgres(let location)? = journal else {
            let limit = requestsPerSecond != nil ? "--tenant-rate-limit" : "the profile's tenant_rate_limit"
            throw ErrorReport.usage(
                "\(limit) is shared through a PostgreSQL journal: give --journal postgres://USER@HOST/DB")
        }
        let bucketJournal: PostgresJournal
        let bucket: TenantRateBucket
        do {
            bucketJournal = try await PostgresJournal.open(location, logger: logger, maximumConnections: 2)
            bucket = try await TenantRateBucket.open(
                journal: bucketJournal, key: Self.key(configuration), requestsPerSecond: rate)
        } catch {
            throw ErrorReport.usage("\(error.message) (for the tenant rate limit)")
        }
        configuration.sharedPace = TenantPace(bucket: bucket, logger: logger)
        if case .inProcessSimulator = api { return (.inProcessSimulator(configuration), bucketJournal) }
        return (.given(configuration), bucketJournal)
    }

    /// The API's configuration with `--tenant-rate-limit` laid over it, when it has a tenant rate limit; nil when it
    /// has none, or (without the flag) when it cannot be loaded: the session reports that as it always does.
    private func limited(_ api: APISource) throws -> APIConfiguration? {
        switch api {
        case .given(var configuration), .inProcessSimulator(var configuration):
            if let requestsPerSecond { configuration.limits.tenantRequestsPerSecond = requestsPerSecond }
            return configuration.limits.tenantRequestsPerSecond == nil ? nil : configuration
        case .configured(var overrides, let environment):
            overrides.tenantRequestsPerSecond = requestsPerSecond ?? overrides.tenantRequestsPerSecond
            do {
                let resolved = try APISource.configured(overrides, environment: environment).resolve()
                guard let configuration = resolved.configuration, configuration.limits.tenantRequestsPerSecond != nil
                else { return nil }
                for warning in resolved.warnings { FileOutput.standardError.write("cmo: \(warning)\n") }
                return configuration
            } catch {
                guard requestsPerSecond != nil else { return nil }
                FileOutput.standardError.write("cmo: error: \(error.message)\n")
                throw ExitCode(error.exitCode)
            }
        case .none:
            if requestsPerSecond != nil {
                throw ErrorReport.usage("--tenant-rate-limit paces API requests: drop --no-api")
            }
            return nil
        }
    }

    /// The bucket's key: the tenant's base URL and the client id (what the API counts a rate limit by), never the
    /// secret.
    static func key(_ configuration: APIConfiguration) -> String {
        var base = configuration.apiURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(configuration.tenant)/ \(configuration.auth.clientID)"
    }
}
