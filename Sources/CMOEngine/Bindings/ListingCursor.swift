import CMOClient

/// One `cmo.list` iteration, shared by every task that calls its iterator: callers take turns, so concurrent
/// workers of `cmo.parallel` each get distinct products, and filters apply on this side.
actor ListingCursor {
    private var iterator: ProductListing.AsyncIterator?
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let filter: ProductFilter
    /// Sees every row the listing returns (the run learns its SIMs' statuses from them).
    private let onRow: @Sendable (JSONValue) -> Void

    init(listing: ProductListing, filter: ProductFilter, onRow: @escaping @Sendable (JSONValue) -> Void = { _ in }) {
        self.iterator = listing.makeAsyncIterator()
        self.filter = filter
        self.onRow = onRow
    }

    /// The next product that passes the filter, or nil at the end.
    func next() async throws(CMOError) -> JSONValue? {
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        // Only one caller at a time gets here (`busy`), so the iterator is never used concurrently.
        guard let taken = iterator else { return nil }
        nonisolated(unsafe) var current = taken
        iterator = nil
        while let entity = try await current.next() {
            onRow(entity)
            if filter.matches(entity) {
                iterator = current
                return entity
            }
        }
        return nil
    }
}

/// `where = {status = "INACTIVE", connectivity_type = "CELLULAR"}`: field equality, client side. A value may be a
/// list of accepted values. Keys are snake_case forms of the entity's fields (`connectivity_type` →
/// `connectivityType`); a key that is already camelCase is used as it is.
struct ProductFilter: Sendable {
    let conditions: [(field: String, accepted: Set<String>)]

    init(_ conditions: [String: [String]] = [:]) {
        self.conditions = conditions.keys.sorted().map { key in (ProductFilter.fieldName(key), Set(conditions[key]!)) }
    }

    var isEmpty: Bool { conditions.isEmpty }

    /// The fields the filter reads, which a `fields=` projection must include.
    var fields: [String] { conditions.map(\.field) }

    func matches(_ entity: JSONValue) -> Bool {
        conditions.allSatisfy { condition in
            guard let value = entity[condition.field]?.stringValue else { return false }
            return condition.accepted.contains(value)
        }
    }

    static func fieldName(_ key: String) -> String {
        var name = ""
        var upper = false
        for character in key {
            if character == "_" {
                upper = true
            } else {
                name += upper ? character.uppercased() : String(character)
                upper = false
            }
        }
        return name
    }
}
