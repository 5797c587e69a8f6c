/// The operator system behind a product: the prefix of its id and its `SYSTEM` characteristic. What each backend
/// does (sync or async, transitions, rate limits) is in CMOClient's `BackendCatalogue`, not here.
public struct Backend: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let jasper = Backend(rawValue: "JASPER")
    public static let tmus = Backend(rawValue: "TMUS")
    public static let oneNCE = Backend(rawValue: "1NCE")
    public static let iota = Backend(rawValue: "IOTA")
    public static let tmsp = Backend(rawValue: "TMSP")
    public static let intelsat = Backend(rawValue: "INTELSAT")
    public static let airlinq = Backend(rawValue: "AIRLINQ")
    public static let stc = Backend(rawValue: "STC")
    public static let turkcell = Backend(rawValue: "TURKCELL")
    public static let galaxy1 = Backend(rawValue: "GALAXY1")
}

/// How a product connects: through a SIM card or a satellite terminal.
public enum ConnectivityType: String, Sendable, Codable, CaseIterable {
    case cellular = "CELLULAR"
    case satellite = "SATELLITE"
}
