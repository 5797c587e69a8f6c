import ArgumentParser
import CMOClient
import Logging

/// Builds a `CMOClient` from the connection options, runs a command's body with it, and turns errors into output
/// and exit codes.
enum ClientSession {
    static func run(
        _ connection: ConnectionOptions, _ body: (CMOClient) async throws(CMOError) -> Void
    ) async throws {
        let loaded: Configuration.Loaded
        do {
            loaded = try Configuration.load(overrides: connection.overrides)
        } catch {
            throw ErrorReport.report(error)
        }
        loaded.warnings.forEach(StandardStreams.err)
        let logger = Logger.standardError("cmo", level: connection.httpDebug ? .debug : .warning)
        let client = CMOClient(configuration: loaded.configuration, logger: logger)
        var failure: CMOError?
        do {
            try await body(client)
        } catch {
            failure = error
        }
        try? await client.shutdown()
        if let failure { throw ErrorReport.report(failure) }
    }
}
