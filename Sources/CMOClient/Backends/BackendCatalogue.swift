/// The backends the CMO fronts and what is known of each, in one place: the simulator, the engine, its Lua
/// prelude and `cmo` read them from here. ``standard`` holds what the public pages say (and, where they are silent,
/// our defaults); a backends file can override it (see `BackendCatalogue+file.swift`).
public struct BackendCatalogue: Sendable, Equatable {
    /// Every backend, by name.
    public var profiles: [String: BackendProfile]

    /// A catalogue of these profiles.
    public init(_ profiles: [BackendProfile]) {
        self.profiles = Dictionary(profiles.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The ten backends of the public pages. Which answer synchronously is confirmed (cmo-api-facts); transitions
    /// are documented for JASPER, TMUS, TMSP and 1NCE and inferred for the others; 1NCE's 10 requests/s is
    /// published; only Jasper lets product offering, communication plan and modem id be changed.
    public static let standard = BackendCatalogue([
        BackendProfile(name: "TMSP", isAsynchronous: true, transitions: .tmsp),
        BackendProfile(name: "IOTA", isAsynchronous: false),
        BackendProfile(name: "TMUS", isAsynchronous: false, transitions: .tmus, terminationStatus: "PENDING_TERMINATE"),
        BackendProfile(
            name: "JASPER", isAsynchronous: false, transitions: .jasper,
            writableCharacteristics: ["simNotes", "productOffering", "communicationPlan", "modemId"]
        ),
        BackendProfile(name: "INTELSAT", isAsynchronous: true, statusCarrier: "terminal"),
        BackendProfile(name: "AIRLINQ", isAsynchronous: true),
        BackendProfile(name: "1NCE", isAsynchronous: false, transitions: .oneNCE, requestsPerSecond: 10),
        BackendProfile(name: "STC", isAsynchronous: true),
        BackendProfile(name: "TURKCELL", isAsynchronous: true),
        BackendProfile(name: "GALAXY1", isAsynchronous: true, statusCarrier: "terminal"),
    ])

    /// The backends' names, sorted.
    public var names: [String] { profiles.keys.sorted() }

    /// The profile of the backend named `name`, or nil for one not in the catalogue.
    public func profile(named name: String) -> BackendProfile? { profiles[name] }

    /// The profile of the backend a product id names (`JASPER-8949...` → JASPER), or nil.
    public func profile(forProductID id: String) -> BackendProfile? {
        Self.backendName(ofProductID: id).flatMap(profile(named:))
    }

    /// The backend named by a product id: its prefix up to the first `-`.
    public static func backendName(ofProductID id: String) -> String? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        return String(id[..<dash])
    }

    /// The ICCID (or terminal serial) a product id carries after its backend prefix, as the CMO names products
    /// (`JASPER-89490200001234567890` → `89490200001234567890`): for a satellite backend of `backends` the serial
    /// number (letters, digits, `-`); else digits only, 15 to 22 of them (an ICCID); else nil.
    public static func identifier(ofProductID id: String, backends: BackendCatalogue = .standard) -> String? {
        let bundle = bundleID(id)
        guard let dash = bundle.firstIndex(of: "-") else { return nil }
        let tail = bundle[bundle.index(after: dash)...]
        if backends.profile(named: String(bundle[..<dash]))?.isSatellite == true {
            guard !tail.isEmpty, tail.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
            return String(tail)
        }
        guard (15...22).contains(tail.count), tail.allSatisfy(\.isASCIIDigit) else { return nil }
        return String(tail)
    }

    /// The bundle id of `id`: without a sub-product suffix (`-simCard`, ...).
    public static func bundleID(_ id: String) -> String {
        for suffix in CMOClient.subProductSuffixes where id.hasSuffix(suffix) {
            return String(id.dropLast(suffix.count))
        }
        return id
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
