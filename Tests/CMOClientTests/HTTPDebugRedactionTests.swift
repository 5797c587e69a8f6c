import CMOClient
import CMOSimulator
import Testing

/// `--http-debug` output never holds the client secret or an access token.
@Suite struct HTTPDebugRedactionTests {
    @Test func debugOutputRedactsSecretAndToken() async throws {
        let (logger, store) = CapturingLogHandler.logger()
        let config = SimulatorConfiguration(fleetSize: 30, seed: 5, asyncDelayMilliseconds: 100)
        let (secret, token) = try await withSimulator(config, configure: { $0.httpDebug = true }, logger: logger) {
            sim, client in
            let sync = try #require(sim.cellular(status: "INACTIVE", asynchronous: false))
            let async = try #require(sim.cellular(status: "INACTIVE", asynchronous: true))
            _ = try await client.product(id: sync.id)
            _ = try await client.patch(id: sync.id, ops: [.setStatus("ACTIVE")])
            if case .accepted(let monitor) = try await client.patch(id: async.id, ops: [.setStatus("ACTIVE")]) {
                _ = try await client.awaitMonitor(monitor, timeout: .seconds(10))
            }
            for try await _ in client.list(fields: ["id"], pageSize: 50) {}
            return (sim.defaultClient.secret, try await client.accessToken().value.value)
        }
        let output = store.all.joined(separator: "\n")
        #expect(output.contains("--> POST "))
        #expect(output.contains("client_secret=<redacted>"))
        #expect(output.contains(#""access_token":"<redacted>""#))
        #expect(output.contains("Authorization: Bearer <redacted>"))
        #expect(output.contains("<-- 200 GET "))
        #expect(output.contains("<-- 202 PATCH "))
        #expect(!output.contains(secret))
        #expect(!output.contains(token))
    }
}
