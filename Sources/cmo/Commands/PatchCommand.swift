import ArgumentParser

/// `cmo patch`: not built yet.
struct PatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "patch", abstract: "Not built yet.")

    func run() async throws {
        throw ExitCode(2)
    }
}
