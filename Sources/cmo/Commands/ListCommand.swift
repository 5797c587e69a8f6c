import ArgumentParser
import CMOClient
import Foundation

/// `cmo list`: the tutorial's step 1, listing IoT connectivity products.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List products (GET product?fields=...&pageNumber=&pageSize=).",
        discussion: "Prints the first page, or every page with --all (fetched lazily, up to 4 pages ahead when the output waits for pages).")

    @Option(help: "Comma-separated fields to ask for.")
    var fields = "id,status,connectivityType"

    @Option(name: .customLong("page-size"), help: "Products per page.")
    var pageSize = 10

    @Flag(help: "List every page, not only the first.")
    var all = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard pageSize > 0 else { throw ErrorReport.usage("--page-size must be at least 1") }
    }

    func run() async throws {
        let fieldList = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let format = output.resolved
        let pageSize = self.pageSize
        let all = self.all
        try await ClientSession.run(connection) { client throws(CMOError) in
            if !all {
                // The tutorial's step 1: the first page only.
                let entities = try await client.page(1, fields: fieldList, pageSize: pageSize)
                Self.print(entities, fields: fieldList, format: format)
                return
            }
            if format == .table {
                var entities: [JSONValue] = []
                for try await entity in client.list(fields: fieldList, pageSize: pageSize) { entities.append(entity) }
                Self.print(entities, fields: fieldList, format: format)
                return
            }
            // Stream a JSON array, one entity per line, so that long listings start printing at once.
            var count = 0
            for try await entity in client.list(fields: fieldList, pageSize: pageSize) {
                StandardStreams.out((count == 0 ? "[" : ",") + entity.serialized())
                count += 1
            }
            StandardStreams.out(count == 0 ? "[]" : "]")
        }
    }

    private static func print(_ entities: [JSONValue], fields: [String], format: OutputFormat) {
        if format == .json {
            StandardStreams.out(JSONValue.array(entities).serialized(pretty: true))
        } else {
            let columns = fields.isEmpty ? ["id", "status", "connectivityType"] : fields
            StandardStreams.out(TableRenderer.entities(entities, fields: columns))
        }
    }
}
