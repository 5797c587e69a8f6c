import NIOHTTP1
import Synchronization

/// The products of a tenant as an `AsyncSequence` of entities, fetched a page at a time.
///
/// Pages are requested only when iterated; while one page is consumed, the next is already on its way. When the
/// consumer has to wait for a page (the listing, not the work, is the bottleneck), the iterator reads one more
/// page ahead, up to ``readAhead`` pages. The API gives no total, so a read-ahead deeper than one may request up to
/// `readAhead - 1` empty pages past the end; a consumer slower than the listing never causes that. The listing
/// ends after a short or empty page. Each iteration starts again from page 1.
public struct ProductListing: AsyncSequence, Sendable {
    public typealias Element = JSONValue

    let client: CMOClient
    /// The fields to ask for (`fields=`); empty for all.
    public let fields: [String]
    /// Entities per page.
    public let pageSize: Int
    /// The most pages requested ahead of the one being consumed (at least 1).
    public let readAhead: Int

    /// Starts a new pass over the listing, from page 1.
    public func makeAsyncIterator() -> Iterator {
        Iterator(listing: self)
    }

    /// Fetches one page: its entities.
    func fetchPage(_ page: Int) async throws(CMOError) -> [JSONValue] {
        try await client.page(page, fields: fields, pageSize: pageSize)
    }

    /// Iterates the listing; holds the current page and at most ``readAhead`` pages requested ahead of it.
    public struct Iterator: AsyncIteratorProtocol {
        private let listing: ProductListing
        private var cursor: PageCursor
        private var buffer: [JSONValue] = []
        private var position = 0
        /// Pages requested ahead, in page order.
        private var ahead: [Prefetch] = []
        /// How many pages to keep requested ahead: starts at one, grows while the consumer waits for pages.
        private var depth = 1

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

        /// The next page: the oldest prefetched one, or fetched now. Then tops up the pages requested ahead.
        private mutating func nextPage() async throws(CMOError) -> [JSONValue]? {
            let entities: [JSONValue]
            if ahead.isEmpty {
                guard let page = cursor.take() else { return nil }
                entities = try await listing.fetchPage(page)
            } else {
                let head = ahead.removeFirst()
                if !head.hasArrived { depth = Swift.min(depth + 1, listing.readAhead) }
                entities = try await head.value()
            }
            cursor.received(count: entities.count)
            if entities.count < listing.pageSize {
                // The last page: whatever was requested after it is past the end (dropping cancels it).
                ahead.removeAll()
                if entities.isEmpty { return nil }
            }
            while ahead.count < depth, let following = cursor.take() {
                let listing = self.listing
                ahead.append(Prefetch { () async throws(CMOError) in try await listing.fetchPage(following) })
            }
            return entities
        }
    }

    /// A page being fetched ahead; cancelled when the iterator is dropped before using it.
    final class Prefetch: Sendable {
        private let task: Task<[JSONValue], any Error>
        private let arrival: Arrival

        /// Whether the page has come in (or failed): awaiting ``value()`` will not wait.
        var hasArrived: Bool { arrival.flag.load(ordering: .acquiring) }

        init(_ fetch: @escaping @Sendable () async throws(CMOError) -> [JSONValue]) {
            let arrival = Arrival()
            self.arrival = arrival
            task = Task {
                defer { arrival.flag.store(true, ordering: .releasing) }
                return try await fetch()
            }
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

        /// Set by the fetching task when it ends.
        final class Arrival: Sendable {
            let flag = Atomic<Bool>(false)
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
    ///   - readAhead: The most pages requested ahead of the one being consumed (see ``ProductListing``); 1 never
    ///     requests a page past the end.
    public func list(fields: [String] = [], pageSize: Int = 100, readAhead: Int = 4) -> ProductListing {
        ProductListing(client: self, fields: fields, pageSize: max(1, pageSize), readAhead: max(1, readAhead))
    }
}
