import ArgumentParser

/// `cmo monitor`: not built yet.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "monitor", abstract: "Not built yet.")

    func run() async throws {
        throw ExitCode(2)
    }
}
