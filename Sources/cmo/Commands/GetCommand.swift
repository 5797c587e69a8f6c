import ArgumentParser
import CMOClient

/// `cmo get`: the tutorial's step 2, one product with its sub-products.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show a product (GET product/{id}), or one sub-product with --sub.")

    @Argument(help: "The product id, e.g. JASPER-8949...")
    var id: String

    @Option(help: "A sub-product suffix: simCard, dataConnectivity, usageVolume-data, terminal.")
    var sub: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let format = output.resolved
        let (id, sub) = (self.id, self.sub)
        try await ClientSession.run(connection) { client throws(CMOError) in
            let product =
                if let sub {
                    try await client.subProduct(id: id, suffix: sub)
                } else {
                    try await client.product(id: id)
                }
            StandardStreams.out(format == .json ? product.serialized(pretty: true) : TableRenderer.entity(product))
        }
    }
}
