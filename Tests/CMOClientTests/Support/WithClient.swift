import CMOClient
import Logging

/// Runs `body` with a client for `configuration` and shuts the client down afterwards, whatever happens.
func withClient<T: Sendable>(
    _ configuration: Configuration,
    logger: Logger = Logger(label: "cmo-client-test"),
    _ body: (CMOClient) async throws -> T
) async throws -> T {
    let client = CMOClient(configuration: configuration, logger: logger)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
