import Synchronization

/// The statuses the run has just seen, by bundle id: from listing rows, products the script read or passed in,
/// and the changes it made. A change of a SIM whose status is known sends its PATCH at once, with a `test` of that
/// status; only a SIM whose status is unknown costs a read first.
///
/// Shared by the bindings' tasks, so it is behind a mutex. It holds at most `capacity` entries: past that it
/// forgets everything and starts again (a forgotten status costs one read, never a wrong change).
final class KnownStatuses: Sendable {
    private let statuses = Mutex<[String: String]>([:])
    private let capacity: Int

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The status last seen for `bundleID`.
    func status(of bundleID: String) -> String? {
        statuses.withLock { $0[bundleID] }
    }

    /// Notes what the run saw (nil forgets it: a `PENDING_` status or a change whose end is not known).
    func note(_ status: String?, for bundleID: String) {
        statuses.withLock { statuses in
            guard let status, !status.hasPrefix("PENDING") else {
                statuses.removeValue(forKey: bundleID)
                return
            }
            if statuses.count >= capacity, statuses[bundleID] == nil { statuses.removeAll(keepingCapacity: true) }
            statuses[bundleID] = status
        }
    }
}
