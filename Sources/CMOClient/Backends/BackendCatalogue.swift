/// The backends the CMO is known to front, in one place: the engine, its Lua prelude and `cmo` read them from
/// here. Which backends answer asynchronously is confirmed for the real service (cmo-api-facts); transitions are
/// the inferred table for all until a backend's own is known.
public enum BackendCatalogue {
    /// Every known backend, by name.
    public static let known: [String: BackendProfile] = {
        let profiles = [
            BackendProfile(name: "TMSP", isAsynchronous: true),
            BackendProfile(name: "IOTA", isAsynchronous: false),
            BackendProfile(name: "TMUS", isAsynchronous: false),
            BackendProfile(name: "JASPER", isAsynchronous: false),
            BackendProfile(name: "INTELSAT", isAsynchronous: true, statusCarrier: "terminal"),
            BackendProfile(name: "AIRLINQ", isAsynchronous: true),
            BackendProfile(name: "1NCE", isAsynchronous: false, requestsPerSecond: 10),
            BackendProfile(name: "STC", isAsynchronous: true),
            BackendProfile(name: "TURKCELL", isAsynchronous: true),
            BackendProfile(name: "GALAXY1", isAsynchronous: true, statusCarrier: "terminal"),
        ]
        return Dictionary(uniqueKeysWithValues: profiles.map { ($0.name, $0) })
    }()

    /// The profile of the backend named `name`, or nil for one not in the catalogue.
    public static func profile(named name: String) -> BackendProfile? { known[name] }

    /// The profile of the backend a product id names (`JASPER-8949...` → JASPER), or nil.
    public static func profile(forProductID id: String) -> BackendProfile? {
        backendName(ofProductID: id).flatMap(profile(named:))
    }

    /// The backend named by a product id: its prefix up to the first `-`.
    public static func backendName(ofProductID id: String) -> String? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        return String(id[..<dash])
    }

    /// The ICCID (or terminal serial) a product id carries after its backend prefix, as the CMO names products
    /// (`JASPER-89490200001234567890` → `89490200001234567890`): digits only, 15 to 22 of them; else nil.
    public static func identifier(ofProductID id: String) -> String? {
        let bundle = bundleID(id)
        guard let dash = bundle.firstIndex(of: "-") else { return nil }
        let tail = bundle[bundle.index(after: dash)...]
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
