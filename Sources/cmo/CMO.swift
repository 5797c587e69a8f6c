import ArgumentParser

/// The `cmo` command: runs Lua workflows against the CMO API, and the simulator that stands in for it.
@main
struct CMO: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cmo",
        abstract: "Lua workflows for Telekom's T IoT Hub Connection Management Orchestrator (CMO) API.",
        subcommands: [
            RunCommand.self,
            SimCommand.self,
            ListCommand.self,
            GetCommand.self,
            PatchCommand.self,
            MonitorCommand.self,
            TokenCommand.self,
        ]
    )
}
