import ArgumentParser
import CMOClient
import CMOEngine
import CMOSimulator
import Logging

/// `--sim [--sim-fleet N] [--sim-seed S]`: a simulator started in this process instead of a configured API.
struct SimulationOptions: ParsableArguments {
    @Flag(help: "Run against a simulator started in this process on a free port (no configuration needed).")
    var sim = false

    @Option(help: "With --sim: how many products the simulated fleet has.")
    var simFleet: Int = 1000

    @Option(help: "With --sim: the seed of the simulated fleet.")
    var simSeed: UInt64 = 1

    func validate() throws {
        guard simFleet >= 0 else { throw ValidationError("--sim-fleet must be 0 or more") }
    }

    /// Where a session's API comes from: with `--sim`, a simulator started here (the caller shuts it down);
    /// with `noAPI`, none; else the connection options (loaded, and checked, by the session).
    func apiSource(connection: ConnectionOptions, noAPI: Bool, logger: Logger) async throws
        -> (source: APISource, simulator: CMOSimulator?)
    {
        if noAPI { return (.none, nil) }
        guard sim else { return (.configured(connection.overrides), nil) }
        var quiet = logger
        quiet.logLevel = .warning
        let simulator = try await CMOSimulator.start(SimulatorConfiguration(fleetSize: simFleet, seed: simSeed), logger: quiet)
        var api = Configuration(
            apiURL: simulator.apiURL, tenant: simulator.defaultTenant,
            auth: .init(
                tokenURL: simulator.tokenURL, clientID: simulator.defaultClient.id,
                clientSecret: Secret(simulator.defaultClient.secret)),
            httpDebug: connection.httpDebug)
        api.limits.requestsPerSecond = connection.rateLimit
        if let maxInFlight = connection.maxInFlight { api.limits.maxInFlight = maxInFlight }
        if let wait = connection.maxRetryWait { api.retry.maximumRetryAfter = .milliseconds(Int64(wait * 1000)) }
        return (.inProcessSimulator(api), simulator)
    }
}
