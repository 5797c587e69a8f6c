import ArgumentParser
import CMOClient
import CMOEngine
import CMOJournal
import Logging

/// `cmo run --tenant-rate-limit N`: requests per second for every `cmo` process of one tenant and client together,
/// kept in the PostgreSQL journal (``TenantRateBucket``), on top of the process's own `--rate-limit`.
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
    /// closes it after the run). Without `--tenant-rate-limit`, `api` as it is.
    ///
    /// - Parameter journal: the run's journal; nil with `--no-journal`.
    /// - Throws: exit 2 (nothing started) without a PostgreSQL journal, without an API, with a configuration
    ///   problem, or when the database cannot be reached.
    func apply(to api: APISource, journal: JournalOptions.Choice?, logger: Logger) async throws -> (
        source: APISource, bucketJournal: PostgresJournal?
    ) {
        guard let requestsPerSecond else { return (api, nil) }
        guard case .postgres(let location)? = journal else {
            throw ErrorReport.usage(
                "--tenant-rate-limit is shared through a PostgreSQL journal: give --journal postgres://USER@HOST/DB")
        }
        var configuration: APIConfiguration
        switch api {
        case .given(let given), .inProcessSimulator(let given):
            configuration = given
        case .configured:
            do {
                let resolved = try api.resolve()
                for warning in resolved.warnings { FileOutput.standardError.write("cmo: \(warning)\n") }
                guard let given = resolved.configuration else { return (api, nil) }
                configuration = given
            } catch {
                FileOutput.standardError.write("cmo: error: \(error.message)\n")
                throw ExitCode(error.exitCode)
            }
        case .none:
            throw ErrorReport.usage("--tenant-rate-limit paces API requests: drop --no-api")
        }
        let bucketJournal: PostgresJournal
        let bucket: TenantRateBucket
        do {
            bucketJournal = try await PostgresJournal.open(location, logger: logger, maximumConnections: 2)
            bucket = try await TenantRateBucket.open(
                journal: bucketJournal, key: Self.key(configuration), requestsPerSecond: requestsPerSecond)
        } catch {
            throw ErrorReport.usage("\(error.message) (for --tenant-rate-limit)")
        }
        configuration.sharedPace = TenantPace(bucket: bucket, logger: logger)
        switch api {
        case .inProcessSimulator: return (.inProcessSimulator(configuration), bucketJournal)
        default: return (.given(configuration), bucketJournal)
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
