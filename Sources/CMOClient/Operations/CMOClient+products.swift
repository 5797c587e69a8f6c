import NIOHTTP1

extension CMOClient {
    /// `GET product/{id}`: the product bundle, sub-products in `productRelationship`.
    public func product(id: String) async throws(CMOError) -> JSONValue {
        let outcome = try await send(
            APIRequest(method: .GET, path: "product/\(PathEncoding.encodeSegment(id))", safety: .read))
        return try Self.object(outcome, expecting: "a product object")
    }

    /// `GET product/{id}-{suffix}`: one sub-product, e.g. `subProduct(id: id, suffix: "simCard")`. An id that already
    /// ends in `-suffix` is used as it is.
    public func subProduct(id: String, suffix: String) async throws(CMOError) -> JSONValue {
        try await product(id: Self.subProductID(id, suffix: suffix))
    }

    /// `POST product/find` with `iccidList`: the products found and what was not.
    ///
    /// The answer is paginated like the list (`pageNumber`, `pageSize`): every page is read, until a short or empty
    /// page (or one that brings nothing new), and the pages' entities and errors are merged.
    public func find(iccids: [String]) async throws(CMOError) -> FindResult {
        let body: JSONValue = .object(JSONObject([(key: "iccidList", value: .array(iccids.map(JSONValue.string)))]))
        let bytes = body.serializedBytes()
        let pageSize = Self.findPageSize
        var products: [JSONValue] = []
        var errors: [JSONValue] = []
        var seenProducts = Set<String>()
        var seenErrors = Set<String>()
        var pageNumber = 1
        while true {
            let outcome = try await send(
                APIRequest(
                    method: .POST, path: "product/find",
                    query: [(name: "pageNumber", value: String(pageNumber)), (name: "pageSize", value: String(pageSize))],
                    body: bytes, contentType: "application/json", safety: .read))
            let json = try outcome.json(expecting: "a find answer")
            guard json.objectValue != nil else {
                throw CMOError.unexpectedShape(expecting: "a find answer object", got: json)
            }
            let pageProducts = json["entities"]?.arrayValue ?? []
            let pageErrors = json["errors"]?.arrayValue ?? []
            var new = 0
            for product in pageProducts where seenProducts.insert(product["id"]?.stringValue ?? product.serialized()).inserted {
                products.append(product)
                new += 1
            }
            for error in pageErrors where seenErrors.insert(error.serialized()).inserted {
                errors.append(error)
                new += 1
            }
            // A short page is the last; a page of nothing new means the server ignores pageNumber.
            if pageProducts.count + pageErrors.count < pageSize || new == 0 { break }
            pageNumber += 1
        }
        let found = Set(products.compactMap(\.iccid))
        let missing = iccids.filter { iccid in
            !found.contains(iccid) && !products.contains { $0["id"]?.stringValue?.contains(iccid) == true }
        }
        return FindResult(products: products, errors: errors, missing: missing)
    }

    /// The `pageSize` of `find`'s pages: the largest the list accepts.
    static let findPageSize = 100

    /// `id` with `-suffix` added unless it already ends with it.
    static func subProductID(_ id: String, suffix: String) -> String {
        id.hasSuffix("-\(suffix)") ? id : "\(id)-\(suffix)"
    }

    /// The body as a JSON object, or a decoding error naming `expecting`.
    static func object(_ outcome: HTTPOutcome, expecting: String) throws(CMOError) -> JSONValue {
        let json = try outcome.json(expecting: expecting)
        guard json.objectValue != nil else { throw CMOError.unexpectedShape(expecting: expecting, got: json) }
        return json
    }
}
