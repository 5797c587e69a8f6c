/// What is known of one backend behind the CMO: how it answers a status change, which sub-product carries the
/// status, which transitions it allows and the rate limit it is known to enforce.
public struct BackendProfile: Sendable, Equatable {
    /// The backend's name in the API: the product id's prefix and the bundle's `SYSTEM` characteristic.
    public var name: String
    /// Whether a status change is answered with 202 and a monitor. The engine decides from the answer; this
    /// only predicts (a dry run, `cmo.is_async`).
    public var isAsynchronous: Bool
    /// The suffix of the sub-product whose status a change sets: `simCard`, or `terminal` for satellite.
    public var statusCarrier: String
    /// The transitions the backend allows.
    public var transitions: StatusTransitions
    /// Requests per second the backend is known to allow, when one is published.
    public var requestsPerSecond: Double?
    /// The status `cmo.terminate` asks for: `TERMINATED`, or `PENDING_TERMINATE` where the backend ends a
    /// subscription itself (TMUS).
    public var terminationStatus: String
    /// The characteristics a PATCH may replace besides `status`: `simNotes` everywhere; Jasper also
    /// `productOffering`, `communicationPlan` and `modemId`.
    public var writableCharacteristics: [String]

    public init(
        name: String, isAsynchronous: Bool, statusCarrier: String = "simCard",
        transitions: StatusTransitions = .inferred, terminationStatus: String = "TERMINATED",
        requestsPerSecond: Double? = nil, writableCharacteristics: [String] = ["simNotes"]
    ) {
        self.name = name
        self.isAsynchronous = isAsynchronous
        self.statusCarrier = statusCarrier
        self.transitions = transitions
        self.requestsPerSecond = requestsPerSecond
        self.terminationStatus = terminationStatus
        self.writableCharacteristics = writableCharacteristics
    }

    /// Characteristics some backend may allow a PATCH to replace (the pages document these for Jasper).
    public static let knownWritableCharacteristics = ["simNotes", "productOffering", "communicationPlan", "modemId"]

    /// Whether this backend's products connect through satellite terminals.
    public var isSatellite: Bool { statusCarrier == "terminal" }
}
