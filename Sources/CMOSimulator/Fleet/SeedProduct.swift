/// A product the fleet must hold, as a test declares it or a cassette saw it (`SimulatorConfiguration.products`):
/// what is given is kept, everything else (dates, IMSI, usage, ...) is generated as for any product.
public struct SeedProduct: Sendable, Equatable {
    /// The backend's name, e.g. `JASPER`; it must be in the simulator's catalogue.
    public var backend: String
    /// The ICCID (cellular) or terminal serial number (satellite); nil: generated.
    public var identifier: String?
    /// The status; nil: drawn from the backend's statuses.
    public var status: String?
    /// The product offering's name; nil: drawn.
    public var offering: String?
    /// The `simNotes` characteristic; nil: empty.
    public var notes: String?

    public init(
        backend: String, identifier: String? = nil, status: String? = nil, offering: String? = nil, notes: String? = nil
    ) {
        self.backend = backend
        self.identifier = identifier
        self.status = status
        self.offering = offering
        self.notes = notes
    }
}
