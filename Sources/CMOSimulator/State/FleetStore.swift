/// The shared, lock-guarded ``FleetState`` of one simulator, written through to SQLite when a state file is set.
final class FleetStore: Sendable {
    private let state: Locked<FleetState>
    private let database: StateDatabase?

    /// Loads the fleet from the state file if it holds one, otherwise generates it from the seed (and saves it).
    init(configuration: SimulatorConfiguration) throws {
        let rules = FleetState.Rules(
            backends: configuration.backends,
            asyncDelayMilliseconds: Int64(max(0, configuration.asyncDelayMilliseconds)),
            inErrorRate: configuration.inErrorRate,
            seed: configuration.seed
        )
        var fleet: FleetState
        if let path = configuration.statePath {
            let database = try StateDatabase(path: path)
            if let saved = try database.load() {
                fleet = FleetState(products: saved.products, monitors: saved.monitors, appliedChanges: saved.appliedChanges, rules: rules)
            } else {
                var generator = FleetGenerator(seed: configuration.seed, backends: configuration.backends)
                let products = generator.makeFleet(for: configuration)
                try database.saveFleet(products, seed: configuration.seed)
                fleet = FleetState(products: products, rules: rules)
            }
            fleet.tracksDirty = true
            self.database = database
        } else {
            var generator = FleetGenerator(seed: configuration.seed, backends: configuration.backends)
            fleet = FleetState(products: generator.makeFleet(for: configuration), rules: rules)
            self.database = nil
        }
        self.state = Locked(fleet)
    }

    /// Runs `body` on the state after settling due monitors, then persists whatever changed.
    func withState<Result>(now: Int64, _ body: (inout FleetState) throws -> Result) throws -> Result {
        try state.withLock { fleet in
            fleet.settle(now: now)
            let result = try body(&fleet)
            if let database {
                let dirty = fleet.drainDirty()
                if !dirty.products.isEmpty || !dirty.monitors.isEmpty {
                    try database.save(products: dirty.products, monitors: dirty.monitors, appliedChanges: fleet.appliedChanges)
                }
            }
            return result
        }
    }

    /// Reads the state after settling due monitors (persisting their outcome).
    func read<Result>(now: Int64, _ body: (FleetState) -> Result) -> Result {
        do {
            return try withState(now: now) { body($0) }
        } catch {
            // Persistence of settled monitors failed; answer from memory, the next write retries.
            return state.withLock { body($0) }
        }
    }
}
