import CMOClient
import CMOJournal
import CMOSimulator
import CMOTestSupport
import Foundation
import Logging
import LuaKit

@testable import CMOEngine

/// A simulator started in-process for one test, and runs of Lua scripts against it.
struct EngineHarness {
    let testSimulator: TestSimulator

    /// The simulator, to look at its fleet and applied changes.
    var simulator: CMOSimulator { testSimulator.simulator }

    /// Starts a simulator (a ``TestSimulator``), runs `body` with a harness for it, and stops the simulator,
    /// waiting for the stop.
    static func with<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(fleetSize: 60, asyncDelayMilliseconds: 50),
        _ body: (EngineHarness) async throws -> T
    ) async throws -> T {
        try await TestSimulator.with(configuration) { simulator in
            try await body(EngineHarness(testSimulator: simulator))
        }
    }

    /// The simulator's client configuration, with retries and monitor polls quick enough for tests.
    var api: Configuration {
        var configuration = testSimulator.clientConfiguration
        configuration.retry = RetryPolicy(initialDelay: .milliseconds(5), maximumDelay: .milliseconds(50))
        configuration.monitorPolling = .init(initialInterval: .milliseconds(20), maximumInterval: .milliseconds(100))
        return configuration
    }

    struct Run {
        var result: RunResult
        var output: [String]
        var report: RunReport
        var statistics: CMOClient.Statistics?
    }

    /// Runs `source` (as `workflow.lua`) with `configure` applied to its options.
    func run(_ source: String, _ configure: (inout RunOptions) -> Void = { _ in }) async throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("workflow.lua").path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        var options = RunOptions(
            scriptPath: path, modulePaths: [Stdlib.defaultPath()], api: api, monitorTimeout: .seconds(10))
        configure(&options)
        var lines: [String] = []
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = ScriptRunner(options: options, logger: logger) { lines.append($0) }
        var result = await runner.run()
        // Messages name the script by its path; tests compare them as if it had been run as `workflow.lua`.
        result.errorReport = result.errorReport?.replacingOccurrences(of: directory.path + "/", with: "")
        return Run(
            result: result,
            output: lines.map { $0.replacingOccurrences(of: directory.path + "/", with: "") },
            report: runner.report, statistics: runner.apiStatistics)
    }

    /// Ids of products with `status`, optionally only sync or async ones, in list order.
    func ids(status: String, async: Bool? = nil, cellular: Bool = true) -> [String] {
        simulator.products.filter { product in
            product.status == status && (async == nil || product.isAsynchronous == async)
                && (product.connectivityType == .cellular) == cellular
        }.map(\.id)
    }

    /// A Lua array literal of strings.
    static func lua(_ strings: [String]) -> String {
        "{" + strings.map { "\"\($0)\"" }.joined(separator: ", ") + "}"
    }
}
