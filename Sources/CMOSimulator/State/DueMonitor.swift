/// A monitor in progress keyed by when it completes, for ``FleetState``'s heap of due monitors.
struct DueMonitor: Comparable, Sendable {
    var dueAt: Int64
    var id: String
    var productID: String

    init(_ monitor: Monitor) {
        dueAt = monitor.dueAt
        id = monitor.id
        productID = monitor.productID
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.dueAt, lhs.id) < (rhs.dueAt, rhs.id)
    }
}
