/// A product's JSON, rendered once per change: the bundle and each sub-product, with holes for the base URL.
struct RenderedProduct: Sendable, Equatable {
    let bundle: JSONTemplate
    let subProducts: [SubProduct: JSONTemplate]

    init(_ product: Product) {
        var subProducts: [SubProduct: JSONTemplate] = [:]
        for kind in product.subProducts {
            var writer = JSONWriter(capacity: 1024)
            ProductRenderer.writeSubProduct(kind, of: product, into: &writer)
            subProducts[kind] = writer.template
        }
        var writer = JSONWriter(capacity: 4096)
        ProductRenderer.writeBundle(product, subProducts: product.subProducts.compactMap { subProducts[$0] }, into: &writer)
        self.bundle = writer.template
        self.subProducts = subProducts
    }
}
