import ArgumentParser

/// `cmo token`: not built yet.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Not built yet.")

    func run() async throws {
        throw ExitCode(2)
    }
}
