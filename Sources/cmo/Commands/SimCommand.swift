import ArgumentParser

/// `cmo sim`: not built yet.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sim", abstract: "Not built yet.")

    func run() async throws {
        throw ExitCode(2)
    }
}
