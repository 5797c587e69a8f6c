import CMOClient

/// A read-only view of one product of the fleet, for tests.
public struct SimulatedProduct: Sendable, Hashable {
    /// The bundle id, e.g. `JASPER-8949201234567890123`.
    public var id: String
    /// The id of the sub-product that takes status changes (`…-simCard` or `…-terminal`).
    public var statusSubProductID: String
    public var backend: Backend
    public var connectivityType: ConnectivityType
    public var status: String
    /// ICCID (cellular) or terminal serial number (satellite).
    public var identifier: String
    public var simNotes: String
    /// Whether a status change answers 202 with a monitor (from the simulator's backend catalogue).
    public var isAsynchronous: Bool
}

extension CMOSimulator {
    /// Every product, in list order, as it is now.
    public var products: [SimulatedProduct] {
        store.read(now: configuration.clock.epochMilliseconds) { fleet in fleet.products.map { SimulatedProduct($0, rules: fleet.rules) } }
    }

    /// One product by bundle id.
    public func product(id: String) -> SimulatedProduct? {
        store.read(now: configuration.clock.epochMilliseconds) { fleet in
            fleet.position(ofProduct: id).map { SimulatedProduct(fleet.products[$0], rules: fleet.rules) }
        }
    }

    /// Status changes actually applied per product id (products never changed are absent), as `GET /_sim/changes`
    /// reports them (that endpoint also lists the zeros).
    public var appliedChanges: [String: Int] {
        store.read(now: configuration.clock.epochMilliseconds) { $0.appliedChanges }
    }

    /// The state of a monitor, or `nil` if there is none with this id.
    public func monitorState(id: String) -> MonitorState? {
        store.read(now: configuration.clock.epochMilliseconds) { $0.monitor(id)?.state }
    }
}

extension SimulatedProduct {
    init(_ product: Product, rules: FleetState.Rules) {
        self.init(
            id: product.id,
            statusSubProductID: product.statusSubProductID,
            backend: product.backend,
            connectivityType: product.connectivityType,
            status: product.status,
            identifier: product.identifier,
            simNotes: product.characteristic("simNotes") ?? "",
            isAsynchronous: rules.profile(of: product.backend).isAsynchronous
        )
    }
}
