import ArgumentParser
import CMOClient
import Foundation

/// `cmo list`: the tutorial's step 1, listing IoT connectivity products.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List products (GET product?fields=...&pageNumber=&pageSize=).",
        discussion: "Prints the first page, or every page with --all (fetched lazily, the next one prefetched).")

    @Option(help: "Comma-separated fields to ask for.")
    var fields = "id,status,connectivityType"

    @Option(name: .customLong("page-size"), help: "Products per page.")
    var pageSize = 10

    @Flag(help: "List every page, not only the first.")
    var all = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard pageSize > 0 else { throw ValidationError("--page-size must be at least 1") }
    }

    func run() async throws {
        let fieldList = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let format = output.resolved
        let pageSize = self.pageSize
        let all = self.all
        try await ClientSession.run(connection) { client throws(CMOError) in
            var iterator = client.list(fields: fieldList, pageSize: pageSize).makeAsyncIterator()
            var entities: [JSONValue] = []
            var streamed = 0
            while let entity = try await iterator.next() {
                if format == .json {
                    // Stream a JSON array, one entity per line, so that long listings start printing at once.
                    StandardStreams.out((streamed == 0 ? "[" : ",") + entity.serialized())
                    streamed += 1
                } else {
                    entities.append(entity)
                }
                if !all, streamed + entities.count >= pageSize { break }
            }
            if format == .json {
                StandardStreams.out(streamed == 0 ? "[]" : "]")
            } else {
                let columns = fieldList.isEmpty ? ["id", "status", "connectivityType"] : fieldList
                StandardStreams.out(TableRenderer.entities(entities, fields: columns))
            }
        }
    }
}
