import ArgumentParser
import CMOClient

/// `cmo patch`: the tutorial's steps 3 and 4, a status change (or any JSON Patch) of a product's simCard.
struct PatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patch",
        abstract: "Change a product's simCard (PATCH product/{id}-simCard, application/json-patch+json).",
        discussion: """
            Synchronous backends answer with the changed sub-product; asynchronous ones with a monitor, which --wait \
            follows until it completes. '-simCard' is added to the id unless it names a sub-product already.
            Examples:
              cmo patch JASPER-8949... --status ACTIVE
              cmo patch TMSP-8949... --status ACTIVE --wait --timeout 60
              cmo patch ID --op '{"op":"test","path":"/status","value":"INACTIVE"}' --status ACTIVE
            """)

    @Argument(help: "The product (or sub-product) id.")
    var id: String

    @Option(help: "The new status, e.g. ACTIVE or SUSPENDED (a 'replace' of /status).")
    var status: String?

    @Option(name: .customLong("op"), help: "A JSON Patch operation or array of them; repeatable; sent in order.")
    var ops: [String] = []

    @OptionGroup var waiting: WaitOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard status != nil || !ops.isEmpty else { throw ErrorReport.usage("give --status or at least one --op") }
    }

    func run() async throws {
        var operations: [JSONPatchOperation] = []
        do {
            for text in ops {
                operations += try JSONPatchOperation.list(json: JSONValue(parsing: text, expecting: "--op"))
            }
        } catch {
            throw ErrorReport.usage("--op: \(error.message)")
        }
        if let status { operations.append(.setStatus(status)) }
        let (id, wait, timeout, format) = (self.id, waiting.wait, waiting.duration, output.resolved)
        try await ClientSession.run(connection) { [operations] client throws(CMOError) in
            switch try await client.patch(id: id, ops: operations) {
            case .completed(let product):
                StandardStreams.out(
                    format == .json ? product.serialized(pretty: true) : TableRenderer.entity(product))
            case .accepted(let monitor):
                guard wait else {
                    MonitorCommand.print(monitor, format: format)
                    return
                }
                if format == .table { StandardStreams.err("accepted: waiting for monitor \(monitor.id)") }
                let finished = try await client.awaitMonitor(
                    monitor, timeout: timeout, backend: BackendCatalogue.backendName(ofProductID: id))
                MonitorCommand.print(finished, format: format)
            }
        }
    }
}
