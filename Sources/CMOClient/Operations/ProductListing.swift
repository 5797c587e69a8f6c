import NIOHTTP1

/// The products of a tenant as an `AsyncSequence` of entities, fetched a page at a time.
///
/// Pages are requested only when iterated; while one page is consumed, the next is already on its way. The listing
/// ends after a short or empty page. Each iteration starts again from page 1.
public struct ProductListing: AsyncSequence, Sendable {
    public typealias Element = JSONValue

    let client: CMOClient
    /// The fields to ask for (`fields=`); empty for all.
    public let fields: [String]
    /// Entities per page.
    public let pageSize: Int

    /// Starts a new pass over the listing, from page 1.
    public func makeAsyncIterator() -> Iterator {
        Iterator(listing: self)
    }

    /// Fetches one page: its entities.
    func fetchPage(_ page: Int) async throws(CMOError) -> [JSONValue] {
        try await client.page(page, fields: fields, pageSize: pageSize)
    }

    /// Iterates the listing; holds at most the current page and the next one.
    public struct Iterator: AsyncIteratorProtocol {
        private let listing: ProductListing
        private var cursor: PageCursor
        private var buffer: [JSONValue] = []
        private var position = 0
        private var prefetch: Prefetch?

        init(listing: ProductListing) {
            self.listing = listing
            self.cursor = PageCursor(pageSize: listing.pageSize)
        }

        /// The next entity, fetching (or awaiting the prefetched) page when the current one is used up.
        public mutating func next() async throws(CMOError) -> JSONValue? {
            while position == buffer.count {
                guard let page = try await nextPage() else { return nil }
                buffer = page
                position = 0
            }
            defer { position += 1 }
            return buffer[position]
        }

        /// The next page: the prefetched one, or fetched now. Starts the prefetch of the one after.
        private mutating func nextPage() async throws(CMOError) -> [JSONValue]? {
            let entities: [JSONValue]
            if let prefetch {
                self.prefetch = nil
                entities = try await prefetch.value()
            } else {
                guard let page = cursor.take() else { return nil }
                entities = try await listing.fetchPage(page)
            }
            cursor.received(count: entities.count)
            if entities.isEmpty { return nil }
            if let following = cursor.take() {
                let listing = self.listing
                prefetch = Prefetch(Task { try await listing.fetchPage(following) })
            }
            return entities
        }
    }

    /// A page being fetched ahead; cancelled when the iterator is dropped before using it.
    final class Prefetch: Sendable {
        private let task: Task<[JSONValue], any Error>

        init(_ task: Task<[JSONValue], any Error>) {
            self.task = task
        }

        func value() async throws(CMOError) -> [JSONValue] {
            do {
                return try await task.value
            } catch let error as CMOError {
                throw error
            } catch {
                throw CMOError.cancelled("fetching a page")
            }
        }

        deinit {
            task.cancel()
        }
    }
}

extension CMOClient {
    /// `GET product?fields=...&pageNumber=N&pageSize=M`: one page of products (page numbers start at 1). An empty
    /// page is past the end.
    public func page(_ number: Int, fields: [String] = [], pageSize: Int = 100) async throws(CMOError) -> [JSONValue] {
        var query: [(name: String, value: String)] = []
        if !fields.isEmpty { query.append((name: "fields", value: fields.joined(separator: ","))) }
        query.append((name: "pageNumber", value: String(number)))
        query.append((name: "pageSize", value: String(pageSize)))
        let outcome = try await send(APIRequest(method: .GET, path: "product", query: query, safety: .read))
        let json = try outcome.json(expecting: "a product page")
        if let entities = json["entities"]?.arrayValue { return entities }
        throw CMOError.unexpectedShape(expecting: "a page object with 'entities'", got: json)
    }

    /// `GET product?fields=...&pageNumber=N&pageSize=M`, page after page, as one sequence of entities.
    ///
    /// - Parameters:
    ///   - fields: The fields to project (e.g. `["id", "status", "connectivityType"]`); empty for all.
    ///   - pageSize: Entities per page.
    public func list(fields: [String] = [], pageSize: Int = 100) -> ProductListing {
        ProductListing(client: self, fields: fields, pageSize: max(1, pageSize))
    }
}
