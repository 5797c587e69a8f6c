import CMOClient

/// One change a script asked for: which product, what, and how to wait.
struct ChangeRequest: Sendable {
    /// The id the script gave (a bundle, or a sub-product for `cmo.patch`).
    var id: String
    var plan: ChangePlan
    /// Whether to wait for an accepted change's monitor.
    var wait: Bool
    /// How long to wait for the monitor (nil: the run's default).
    var timeout: Duration?
    /// The SIM's status as the script handed it in (a product table), if it did.
    var knownStatus: String?

    /// The bundle the change is about.
    var bundleID: String { BackendCatalogue.bundleID(id) }
}
