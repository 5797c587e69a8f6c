import Synchronization

/// The statuses the run has just seen, by bundle id: from listing rows, products the script read or passed in,
/// and the changes it made. A change of a SIM whose status is known sends its PATCH at once, with a `test` of that
/// status; only a SIM whose status is unknown costs a read first.
///
/// Kept small, since a listing may pass a hundred thousand rows: an id is kept as its 64-bit hash and a status as
/// an index into the few statuses seen (about 20 bytes an entry instead of 200). A hash collision could only
/// hand a change a wrong status to test, which the server refuses (409) before the change reads the SIM. Shared by
/// the bindings' tasks, so it is behind a mutex; past `capacity` entries it forgets everything and starts again
/// (a forgotten status costs one read, never a wrong change).
final class KnownStatuses: Sendable {
    private struct Table {
        var statuses: [Int: UInt8] = [:]
        var names: [String] = []
        var codes: [String: UInt8] = [:]
    }

    private let table = Mutex(Table())
    private let capacity: Int

    init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// The status last seen for `bundleID`.
    func status(of bundleID: String) -> String? {
        let key = bundleID.hashValue
        return table.withLock { table in table.statuses[key].map { table.names[Int($0)] } }
    }

    /// Notes what the run saw (nil forgets it: a `PENDING_` status or a change whose end is not known).
    func note(_ status: String?, for bundleID: String) {
        let key = bundleID.hashValue
        table.withLock { table in
            guard let status, !status.hasPrefix("PENDING"), let code = Self.code(of: status, in: &table) else {
                table.statuses.removeValue(forKey: key)
                return
            }
            if table.statuses.count >= capacity, table.statuses[key] == nil {
                table.statuses.removeAll(keepingCapacity: true)
            }
            table.statuses[key] = code
        }
    }

    /// The status's index, interned on first sight (nil past 255 distinct statuses: then it is not kept).
    private static func code(of status: String, in table: inout Table) -> UInt8? {
        if let code = table.codes[status] { return code }
        guard table.names.count < Int(UInt8.max) else { return nil }
        let code = UInt8(table.names.count)
        table.names.append(status)
        table.codes[status] = code
        return code
    }
}
