import ArgumentParser

/// `cmo get`: not built yet.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Not built yet.")

    func run() async throws {
        throw ExitCode(2)
    }
}
