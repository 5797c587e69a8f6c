import ArgumentParser
import CMOClient

/// `cmo monitor`: the tutorial's step 5, the state of an asynchronous change.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Show a monitor (GET monitor/{id}); --wait polls until it completes or fails.")

    @OptionGroup var waiting: WaitOptions

    @Argument(help: "The monitor id, or its link.")
    var id: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let monitorID = Monitor.id(fromLink: id) ?? id
        let (wait, timeout, format) = (waiting.wait, waiting.duration, output.resolved)
        try await ClientSession.run(connection) { client throws(CMOError) in
            let monitor =
                if wait {
                    try await client.awaitMonitor(Monitor(id: monitorID, state: .inProgress), timeout: timeout)
                } else {
                    try await client.monitor(id: monitorID)
                }
            Self.print(monitor, format: format)
        }
    }

    /// Prints a monitor: its JSON, or id, state and source as lines.
    static func print(_ monitor: Monitor, format: OutputFormat) {
        if format == .json {
            let json: JSONValue =
                monitor.json.isNull
                ? ["id": .string(monitor.id), "state": .string(monitor.state.description)] : monitor.json
            StandardStreams.out(json.serialized(pretty: true))
        } else {
            var rows = [["monitor", monitor.id], ["state", monitor.state.description]]
            if let source = monitor.sourceHref { rows.append(["source", source]) }
            if monitor.state == .inError, let reason = monitor.errorReason { rows.append(["reason", reason]) }
            StandardStreams.out(rows.map { "\($0[0]):\(String(repeating: " ", count: 8 - $0[0].count))\($0[1])" }
                .joined(separator: "\n"))
        }
    }
}
