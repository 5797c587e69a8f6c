/// How the daemon's window serves.
public struct WatchConfiguration: Sendable {
    /// Where to listen.
    public var address: ListenAddress
    /// The status pages reload themselves this often (`<meta http-equiv="refresh">`), in seconds.
    public var refreshSeconds: Int
    /// How many of the latest runs the status page lists.
    public var latestRuns: Int
    /// How many changes a run's page lists at most (failures first).
    public var runChanges: Int

    public init(address: ListenAddress, refreshSeconds: Int = 15, latestRuns: Int = 50, runChanges: Int = 1_000) {
        self.address = address
        self.refreshSeconds = refreshSeconds
        self.latestRuns = latestRuns
        self.runChanges = runChanges
    }
}
