// cmo-client-bench: GETs per second of `CMOClient.product(id:)` at a fixed concurrency, for scripts/bench/client.sh.
//
// Usage: cmo-client-bench PRODUCT_ID [--concurrency N] [--seconds S] [--warmup S]
// Connection settings come from the usual CMO_* environment variables (or the configuration file).

import CMOClient
import Foundation
import Logging

var productID = ""
var concurrency = 64
var seconds = 10.0
var warmup = 1.0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--concurrency": concurrency = Int(arguments.popFirst() ?? "") ?? concurrency
    case "--seconds": seconds = Double(arguments.popFirst() ?? "") ?? seconds
    case "--warmup": warmup = Double(arguments.popFirst() ?? "") ?? warmup
    default: productID = argument
    }
}
guard !productID.isEmpty else {
    FileHandle.standardError.write(Data("usage: cmo-client-bench PRODUCT_ID [--concurrency N] [--seconds S]\n".utf8))
    exit(2)
}

let configuration: Configuration
do {
    var loaded = try Configuration.load(overrides: ConfigurationOverrides(maxInFlight: concurrency))
    loaded.configuration.retry = .none
    configuration = loaded.configuration
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

var logger = Logger(label: "cmo-client-bench")
logger.logLevel = .error
let client = CMOClient(configuration: configuration, logger: logger)

/// Runs `concurrency` loops of `product(id:)` for `duration`; returns (successes, failures).
func run(_ client: CMOClient, productID: String, concurrency: Int, for duration: Duration) async -> (Int, Int) {
    let deadline = ContinuousClock.now + duration
    return await withTaskGroup(of: (Int, Int).self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var ok = 0
                var failed = 0
                while ContinuousClock.now < deadline {
                    do {
                        _ = try await client.product(id: productID)
                        ok += 1
                    } catch {
                        failed += 1
                    }
                }
                return (ok, failed)
            }
        }
        return await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
    }
}

_ = await run(client, productID: productID, concurrency: concurrency, for: .milliseconds(Int64(warmup * 1000)))
let started = ContinuousClock.now
let (ok, failed) = await run(
    client, productID: productID, concurrency: concurrency, for: .milliseconds(Int64(seconds * 1000)))
let elapsed = ContinuousClock.now - started
let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(String(format: "requests=%d failures=%d seconds=%.2f rate=%.0f", ok, failed, elapsedSeconds, Double(ok) / elapsedSeconds))
try? await client.shutdown()
