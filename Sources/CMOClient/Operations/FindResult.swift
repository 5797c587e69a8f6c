/// The answer of `POST product/find`.
public struct FindResult: Sendable, Hashable {
    /// The products found.
    public var products: [JSONValue]
    /// The server's `errors` entries for what it did not find.
    public var errors: [JSONValue]
    /// The requested ICCIDs that match none of `products`.
    public var missing: [String]

    public init(products: [JSONValue], errors: [JSONValue], missing: [String]) {
        self.products = products
        self.errors = errors
        self.missing = missing
    }
}
