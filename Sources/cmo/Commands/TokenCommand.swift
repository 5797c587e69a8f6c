import ArgumentParser
import CMOClient
import Foundation

/// `cmo token`: fetches an access token to check the credentials.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Fetch an access token and print when it expires (the token itself only with --show).")

    @Flag(help: "Print the token itself (it grants access to the API: keep it out of logs).")
    var show = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (show, format) = (self.show, output.resolved)
        try await ClientSession.run(connection) { client throws(CMOError) in
            let token = try await client.accessToken()
            let expiresAt = ISO8601DateFormatter().string(from: token.expiresAtDate)
            let seconds = Int64(token.lifetime.components.seconds)
            if format == .json {
                var object: JSONValue = ["expiresAt": .string(expiresAt), "expiresIn": .int(seconds)]
                if show, case .object(var members) = object {
                    members["accessToken"] = .string(token.value.value)
                    object = .object(members)
                }
                StandardStreams.out(object.serialized(pretty: true))
            } else if show {
                StandardStreams.out(token.value.value)
            } else {
                StandardStreams.out("token valid until \(expiresAt) (\(seconds) s)")
            }
        }
    }
}
