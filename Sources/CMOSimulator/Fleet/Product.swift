/// One IoT connection product of the simulated fleet: a bundle and the state of its sub-products.
///
/// The bundle and its status-bearing sub-product (`-simCard` for cellular, `-terminal` for satellite) share one
/// status. Characteristics are kept in the order the real service lists them.
struct Product: Sendable, Codable, Equatable {
    /// A named characteristic value, as in `productCharacteristic`.
    struct Characteristic: Sendable, Codable, Equatable {
        var name: String
        var value: String
    }

    /// The bundle id, `<BACKEND>-<ICCID or terminal serial number>`.
    var id: String
    var backend: Backend
    var connectivityType: ConnectivityType
    var status: String
    var startDate: String
    var customerID: String
    var customerName: String
    var billingAccountID: String
    var offeringName: String
    /// The ICCID (cellular) or terminal serial number (satellite).
    var identifier: String
    /// Characteristics of the status-bearing sub-product.
    var characteristics: [Characteristic]
    /// Characteristics of the `-dataConnectivity` sub-product (cellular only).
    var dataCharacteristics: [Characteristic]
    /// Data used in the current period, in KB (state files written before ``usage`` existed; see there).
    var usedKB: Int
    var usagePeriodStart: String
    var usagePeriodEnd: String
    /// What the `-usageVolume-data` sub-product reports; `nil` in older state files (then ``usedKB``).
    var usage: Usage?
    /// Satellite bundles: the terminal's name (the bundle's `name`) and the platform account's index
    /// (`account_index`). `nil` for cellular products.
    var terminalName: String?
    var accountIndex: Int?
    /// Custom properties of the status-bearing sub-product (`customProperty`), set with
    /// `application/json-patch-query+json`. `nil` means none.
    var customProperties: [Characteristic]?

    /// The suffix of the sub-product whose status can be changed.
    var statusSubProductSuffix: String {
        connectivityType == .cellular ? SubProduct.simCard.suffix : SubProduct.terminal.suffix
    }

    /// The sub-products this product bundles, in the order they are listed.
    var subProducts: [SubProduct] {
        connectivityType == .cellular ? [.simCard, .dataConnectivity, .usageVolumeData] : [.terminal, .usageVolumeData]
    }

    /// The id of the status-bearing sub-product.
    var statusSubProductID: String { id + statusSubProductSuffix }

    /// The characteristic that dates the last change: `dateUpdated` on a SIM card, `lastUpdated` on a terminal.
    var updatedCharacteristic: String {
        connectivityType == .cellular ? "dateUpdated" : "lastUpdated"
    }

    /// Records a change at `millis`.
    mutating func touch(at millis: Int64) {
        setCharacteristic(updatedCharacteristic, Timestamp.iso8601(millis: millis))
    }

    func characteristic(_ name: String) -> String? {
        characteristics.first { $0.name == name }?.value
    }

    mutating func setCharacteristic(_ name: String, _ value: String) {
        if let index = characteristics.firstIndex(where: { $0.name == name }) {
            characteristics[index].value = value
        } else {
            characteristics.append(Characteristic(name: name, value: value))
        }
    }
}

extension Product {
    /// Consumption figures of one product, seeded at generation. Data amounts are kept in millionths of a KB so
    /// that they render with exactly six decimals, as the service writes them (`1401626.776576 KB`).
    struct Usage: Sendable, Codable, Equatable {
        /// Data used in the billing period and on its last day, in millionths of a KB.
        var dataMicroKB: Int64
        var dataLastDayMicroKB: Int64
        /// SMS sent in the period and on its last day.
        var sms: Int
        var smsLastDay: Int
        /// Voice in the period and on its last day, in seconds.
        var voiceSeconds: Int
        var voiceLastDaySeconds: Int
        /// The offering's data allowance for the period, in KB.
        var dataLimitKB: Int
    }

    /// Data used in the period in millionths of a KB, whichever way the product stores it.
    var dataUsedMicroKB: Int64 {
        usage?.dataMicroKB ?? Int64(usedKB) * 1_000_000
    }
}

/// The kinds of sub-product a bundle can hold, named by their id suffix.
enum SubProduct: String, Sendable, CaseIterable {
    case simCard
    case terminal
    case dataConnectivity
    case usageVolumeData = "usageVolume-data"

    var suffix: String { "-" + rawValue }

    /// `@type` of the sub-product.
    var typeName: String {
        switch self {
        case .simCard: "simCard"
        case .terminal: "terminal"
        case .dataConnectivity: "dataConnectivity"
        case .usageVolumeData: "usageVolume"
        }
    }

    /// Whether this sub-product carries the product's status and accepts a status change.
    var carriesStatus: Bool { self == .simCard || self == .terminal }

    /// Splits a product path id into the bundle id and the sub-product, if any.
    static func split(_ id: String) -> (bundleID: String, subProduct: SubProduct?) {
        for kind in [SubProduct.usageVolumeData, .dataConnectivity, .simCard, .terminal] where id.hasSuffix(kind.suffix) {
            return (String(id.dropLast(kind.suffix.count)), kind)
        }
        return (id, nil)
    }
}
