import CMOClient
import HeapModule

/// The simulated service's data: products, their rendered JSON, monitors and the applied-change counters.
///
/// A plain value with `mutating` events and an injected clock (`now`, epoch milliseconds): no I/O, no locks,
/// so the state machine is tested directly. ``FleetStore`` guards it with a lock and persists what changes.
struct FleetState: Sendable {
    /// Rules that shape the state's behaviour.
    struct Rules: Sendable {
        /// Sync or async, transitions and pending statuses per backend.
        var backends: BackendCatalogue
        var asyncDelayMilliseconds: Int64
        var inErrorRate: Double
        var seed: UInt64
    }

    private(set) var products: [Product] = []
    /// JSON of each product, parallel to `products`.
    private(set) var rendered: [RenderedProduct] = []
    private var positionByID: [String: Int] = [:]
    private var positionByIdentifier: [String: Int] = [:]
    private(set) var monitors: [String: Monitor] = [:]
    /// The monitor in progress per product id.
    private(set) var activeMonitors: [String: String] = [:]
    /// Status changes actually applied, per product id.
    private(set) var appliedChanges: [String: Int] = [:]
    /// Monitors in progress, soonest due first.
    private var dueMonitors = Heap<DueMonitor>()
    let rules: Rules

    /// Product and monitor ids changed since the last ``drainDirty()``, for persistence.
    private var dirtyProducts: Set<Int> = []
    private var dirtyMonitors: Set<String> = []
    var tracksDirty = false

    init(products: [Product], monitors: [Monitor] = [], appliedChanges: [String: Int] = [:], rules: Rules) {
        self.rules = rules
        self.products = products
        self.rendered = products.map(RenderedProduct.init)
        for (position, product) in products.enumerated() {
            positionByID[product.id] = position
            positionByIdentifier[product.identifier] = position
        }
        self.appliedChanges = appliedChanges
        for monitor in monitors {
            self.monitors[monitor.id] = monitor
            if monitor.state == .inProgress {
                activeMonitors[monitor.productID] = monitor.id
                dueMonitors.insert(DueMonitor(monitor))
            }
        }
    }

    func position(ofProduct id: String) -> Int? {
        positionByID[id]
    }

    func position(ofIdentifier identifier: String) -> Int? {
        positionByIdentifier[identifier]
    }

    /// Completes every monitor that is due at `now`, soonest first. Cheap when none is.
    mutating func settle(now: Int64) {
        while let next = dueMonitors.min, next.dueAt <= now {
            dueMonitors.removeMin()
            guard activeMonitors[next.productID] == next.id, var monitor = monitors[next.id] else { continue }
            complete(&monitor, productID: next.productID)
            monitors[next.id] = monitor
            activeMonitors[next.productID] = nil
            if tracksDirty { dirtyMonitors.insert(next.id) }
        }
    }

    private mutating func complete(_ monitor: inout Monitor, productID: String) {
        guard let position = positionByID[productID] else { return }
        var product = products[position]
        let at = monitor.dueAt
        monitor.completedAt = at
        if monitor.willFail {
            monitor.state = .inError
            monitor.reason = "\(product.backend.rawValue) rejected the change of \(monitor.subProductID) to \(monitor.targetStatus): the backend reported a provisioning failure."
            product.status = monitor.previousStatus
            product.setCharacteristic("simNotes", monitor.previousNotes)
        } else {
            monitor.state = .completed
            Self.applyStatus(monitor.targetStatus, from: monitor.previousStatus, to: &product, at: at)
            appliedChanges[productID, default: 0] += 1
        }
        replace(product, at: position)
    }

    /// Sets the status and moves the dates as a backend does.
    private static func applyStatus(_ status: String, from previous: String, to product: inout Product, at millis: Int64) {
        product.status = status
        product.touch(at: millis)
        if product.connectivityType == .cellular, status == "ACTIVE",
            previous == "INACTIVE" || product.characteristic("dateActivated") == ""
        {
            product.setCharacteristic("dateActivated", Timestamp.iso8601(millis: millis))
        }
    }

    /// Stores a changed product and re-renders its JSON.
    mutating func replaceProduct(_ product: Product, at position: Int) {
        replace(product, at: position)
    }

    private mutating func replace(_ product: Product, at position: Int) {
        products[position] = product
        rendered[position] = RenderedProduct(product)
        if tracksDirty { dirtyProducts.insert(position) }
    }

    /// Takes the ids of what changed since the last call.
    mutating func drainDirty() -> (products: [Product], monitors: [Monitor]) {
        defer {
            dirtyProducts.removeAll(keepingCapacity: true)
            dirtyMonitors.removeAll(keepingCapacity: true)
        }
        return (dirtyProducts.map { products[$0] }, dirtyMonitors.compactMap { monitors[$0] })
    }

    var appliedChangesSnapshot: [String: Int] { appliedChanges }

    /// Monitor by id.
    func monitor(_ id: String) -> Monitor? {
        monitors[id]
    }
}

extension FleetState.Rules {
    /// The profile of `backend`; a backend the catalogue does not know behaves like a synchronous one with the
    /// inferred transitions.
    func profile(of backend: Backend) -> BackendProfile {
        backends.profile(named: backend.rawValue) ?? BackendProfile(name: backend.rawValue, isAsynchronous: false)
    }
}

extension FleetState {
    /// The current value of a writable characteristic (empty when never set).
    static func value(of field: PatchOperation.Field, in product: Product) -> String {
        switch field {
        case .status: product.status
        case .productOffering: product.offeringName
        case .simNotes, .communicationPlan, .modemId: product.characteristic(field.rawValue) ?? ""
        }
    }

    /// Writes a characteristic; communication plan and modem id join the SIM card's characteristics when first set.
    static func set(_ field: PatchOperation.Field, to value: String, in product: inout Product) {
        switch field {
        case .status: product.status = value
        case .productOffering: product.offeringName = value
        case .simNotes, .communicationPlan, .modemId: product.setCharacteristic(field.rawValue, value)
        }
    }

    /// The statuses a transition table mentions: those a client may ask for on that backend.
    static func statuses(of transitions: StatusTransitions) -> Set<String> {
        Set(transitions.transitions.flatMap { [$0.from, $0.to] })
    }

    /// Position of a status in the API's lifecycle order (unknown ones last), for messages.
    static func lifecycleOrder(_ status: String) -> (Int, String) {
        (StatusTransitions.statuses.firstIndex(of: status) ?? StatusTransitions.statuses.count, status)
    }

    /// A successful patch.
    enum PatchOutcome: Sendable, Equatable {
        /// Applied (or nothing to change): 200 with the sub-product.
        case applied(position: Int)
        /// Accepted by an asynchronous backend: 202 with the monitor.
        case accepted(monitorID: String)
    }

    /// A refused patch, with the status code it answers.
    enum PatchFailure: Error, Equatable {
        /// 409: a monitor is in progress on the product.
        case changeInProgress(monitorID: String)
        /// 409: a `test` operation did not match.
        case testFailed(detail: String)
        /// 422: the state machine forbids the change, or the status is unknown.
        case unprocessable(detail: String)
    }

    /// Applies `operations` atomically to the status-bearing sub-product of the product at `position`.
    mutating func patch(position: Int, operations: [PatchOperation], now: Int64) -> Result<PatchOutcome, PatchFailure> {
        settle(now: now)
        var product = products[position]
        if let monitorID = activeMonitors[product.id] {
            return .failure(.changeInProgress(monitorID: monitorID))
        }
        var status = product.status
        let profile = rules.profile(of: product.backend)
        // Characteristics other than the status, as the operations leave them.
        var values: [PatchOperation.Field: String] = [:]
        var requestedStatus: String?
        for (index, operation) in operations.enumerated() {
            switch (operation.kind, operation.field) {
            case (.test, .status) where status != operation.value:
                return .failure(.testFailed(detail: "Operation \(index): test of /status failed: it is \(status), not \(operation.value)."))
            case (.test, .status):
                continue
            case (.test, let field) where (values[field] ?? Self.value(of: field, in: product)) != operation.value:
                return .failure(.testFailed(detail: "Operation \(index): test of /\(field.rawValue) failed."))
            case (.test, _):
                continue
            case (.replace, .status):
                status = operation.value
                requestedStatus = operation.value
            case (.replace, let field):
                guard profile.writableCharacteristics.contains(field.rawValue) else {
                    let allowing = rules.backends.profiles.values.filter { $0.writableCharacteristics.contains(field.rawValue) }
                        .map(\.name).sorted()
                    let only = allowing.isEmpty ? "" : " (\(allowing.joined(separator: ", ")) only)"
                    return .failure(.unprocessable(
                        detail: "Operation \(index): \(profile.name) does not allow changing \(field.rawValue)\(only)."
                    ))
                }
                values[field] = operation.value
            }
        }
        let previous = product.status
        var pending: String?
        if let requestedStatus, requestedStatus != previous {
            let transitions = profile.transitions
            guard Self.statuses(of: transitions).contains(requestedStatus) else {
                let known = Self.statuses(of: transitions).sorted { Self.lifecycleOrder($0) < Self.lifecycleOrder($1) }
                return .failure(.unprocessable(
                    detail: "'\(requestedStatus)' is not a status of \(profile.name) (its statuses: \(known.joined(separator: ", ")))."
                ))
            }
            if let refusal = transitions.refusal(from: previous, to: requestedStatus) {
                return .failure(.unprocessable(detail: refusal))
            }
            pending = transitions.pending(from: previous, to: requestedStatus) ?? StatusTransitions.pendingStatus(for: requestedStatus)
        }
        let previousNotes = product.characteristic("simNotes") ?? ""
        // Characteristics are written at once on every backend, with or without a status change.
        var characteristicsChanged = false
        for field in PatchOperation.Field.allCases {
            guard let value = values[field], value != Self.value(of: field, in: product) else { continue }
            Self.set(field, to: value, in: &product)
            characteristicsChanged = true
        }
        guard let pending, let target = requestedStatus else {
            if characteristicsChanged {
                product.touch(at: now)
                replace(product, at: position)
            }
            return .success(.applied(position: position))
        }
        guard profile.isAsynchronous else {
            Self.applyStatus(target, from: previous, to: &product, at: now)
            appliedChanges[product.id, default: 0] += 1
            replace(product, at: position)
            return .success(.applied(position: position))
        }
        var stamp = now
        while monitors["\(product.identifier)-\(stamp)"] != nil { stamp += 1 }
        let monitorID = "\(product.identifier)-\(stamp)"
        let draw = SeededGenerator.draw(seed: rules.seed, stream: 7, index: SeededGenerator.hash(monitorID))
        let monitor = Monitor(
            id: monitorID,
            productID: product.id,
            subProductID: product.statusSubProductID,
            state: .inProgress,
            operations: operations.map(Monitor.StoredOperation.init),
            createdAt: now,
            dueAt: now + rules.asyncDelayMilliseconds,
            completedAt: nil,
            previousStatus: previous,
            targetStatus: target,
            previousNotes: previousNotes,
            willFail: draw < rules.inErrorRate,
            reason: nil
        )
        product.status = pending
        product.touch(at: now)
        replace(product, at: position)
        monitors[monitorID] = monitor
        activeMonitors[product.id] = monitorID
        dueMonitors.insert(DueMonitor(monitor))
        if tracksDirty { dirtyMonitors.insert(monitorID) }
        return .success(.accepted(monitorID: monitorID))
    }
}
