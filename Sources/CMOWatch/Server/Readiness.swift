import Synchronization

/// Whether the daemon has loaded its schedule and is about to fire (set by the CLI once it has); `/readyz` also
/// reads the journal before it says 200.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    public init() {}

    /// The schedule is loaded and the daemon runs.
    public func markReady() { ready.store(true, ordering: .releasing) }

    /// The daemon is stopping.
    public func markNotReady() { ready.store(false, ordering: .releasing) }

    var isReady: Bool { ready.load(ordering: .acquiring) }
}
