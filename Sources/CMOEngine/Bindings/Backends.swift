/// What is known of the CMO's backends (the id's prefix, and the bundle's `SYSTEM` characteristic).
enum Backends {
    /// Backends that answer a status change with 202 and a monitor.
    static let asynchronous: Set<String> = ["TMSP", "INTELSAT", "AIRLINQ", "STC", "TURKCELL", "GALAXY1"]

    /// The backend named by a product id: `JASPER-8949...` → `JASPER`.
    static func backend(ofID id: String) -> String? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        return String(id[..<dash])
    }

    /// Whether `id`'s backend is asynchronous.
    static func isAsync(id: String) -> Bool {
        backend(ofID: id).map(asynchronous.contains) ?? false
    }

    /// The bundle id of `id`: without a sub-product suffix (`-simCard`, ...).
    static func bundleID(_ id: String) -> String {
        for suffix in ["-simCard", "-dataConnectivity", "-usageVolume-data", "-terminal"] where id.hasSuffix(suffix) {
            return String(id.dropLast(suffix.count))
        }
        return id
    }
}
