/// Which page comes next in a listing, apart from any I/O.
///
/// The API gives no total count, so a page shorter than the page size (or empty) is the last one.
struct PageCursor: Sendable, Hashable {
    let pageSize: Int
    /// The next page to request, or `nil` when the listing is over.
    private(set) var nextPage: Int?

    init(pageSize: Int, firstPage: Int = 1) {
        self.pageSize = pageSize
        self.nextPage = firstPage
    }

    /// Takes the next page number to fetch, moving the cursor on; `nil` when done.
    mutating func take() -> Int? {
        guard let page = nextPage else { return nil }
        nextPage = page + 1
        return page
    }

    /// A page arrived with `count` entities: when it is short, nothing follows it.
    mutating func received(count: Int) {
        if count < pageSize { nextPage = nil }
    }
}
