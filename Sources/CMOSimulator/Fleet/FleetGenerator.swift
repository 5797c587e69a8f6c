/// Builds a fleet from a seed: the same seed and size always give the same products, byte for byte.
struct FleetGenerator {
    private var random: SeededGenerator
    private var usedIdentifiers: Set<String> = []

    init(seed: UInt64) {
        self.random = SeededGenerator(seed: seed ^ 0x434D_4F53_494D_0001)
    }

    /// Shares of the fleet per backend (in percent). INTELSAT products are the satellite share.
    private static let backends: [(Backend, Int)] = [
        (.jasper, 25), (.tmus, 15), (.oneNCE, 15), (.tmsp, 30), (.intelsat, 15),
    ]

    private static let statuses: [(String, Int)] = [
        ("INACTIVE", 35), ("ACTIVE", 40), ("SUSPENDED", 17), ("BLOCKED", 8),
    ]

    /// ICCID prefix (issuer identification) per cellular backend.
    private static let iccidPrefixes: [Backend: String] = [
        .jasper: "894920", .tmus: "890126", .oneNCE: "898822", .tmsp: "894902",
    ]

    /// IMSI prefix (MCC + MNC) per cellular backend.
    private static let imsiPrefixes: [Backend: String] = [
        .jasper: "26201", .tmus: "310260", .oneNCE: "90140", .tmsp: "26201",
    ]

    private static let offerings = [
        "1GB Shared Fixed Pool Roaming", "500MB Pool EU", "IoT Flex 10MB", "NB-IoT Germany 1MB",
        "LTE-M Europe 50MB", "Global Roaming 5GB",
    ]

    private static let satelliteOfferings = ["Satellite IoT 10KB", "Satellite IoT 100KB"]

    private static let customers: [(String, String)] = [
        ("100125", "_1"), ("100126", "_2"), ("100311", "_3"),
    ]

    /// Generates `count` products.
    mutating func makeFleet(count: Int) -> [Product] {
        (0..<count).map { _ in makeProduct() }
    }

    private mutating func makeProduct() -> Product {
        let backend = random.weighted(Self.backends)
        let status = random.weighted(Self.statuses)
        let connectivity: ConnectivityType = backend == .intelsat ? .satellite : .cellular

        // Dates between 2019-01-01 and 2023-12-31, activation after addition, update after activation.
        let added = Timestamp.millis(year: 2019, month: 1, day: 1) + Int64(random.below(5 * 365 * 86_400_000))
        let start = added - Int64(random.below(3 * 86_400_000))
        let activated = added + Int64(random.below(120 * 86_400_000))
        let updated = activated + Int64(random.below(365 * 86_400_000))
        let customer = Self.customers[random.below(Self.customers.count)]

        let identifier: String
        var characteristics: [Product.Characteristic]
        var dataCharacteristics: [Product.Characteristic] = []
        let dateActivated = status == "INACTIVE" ? "" : Timestamp.iso8601(millis: activated)
        switch connectivity {
        case .cellular:
            identifier = uniqueICCID(backend: backend)
            let imsiPrefix = Self.imsiPrefixes[backend] ?? "26201"
            let imsi = imsiPrefix + random.digits(15 - imsiPrefix.count)
            let msisdn = (backend == .tmus ? "1" : "49") + random.digits(backend == .tmus ? 10 : 11)
            let imei = Luhn.complete("35" + random.digits(12))
            let isESIM = random.below(4) == 0
            characteristics = [
                .init(name: "dateActivated", value: dateActivated),
                .init(name: "dateAdded", value: Timestamp.iso8601(millis: added)),
                .init(name: "dateUpdated", value: Timestamp.iso8601(millis: status == "INACTIVE" ? added : updated)),
                .init(name: "euiccid", value: isESIM ? "89049032" + random.digits(24) : ""),
                .init(name: "globalSimType", value: isESIM ? "eUICC" : ""),
                .init(name: "ICCID", value: identifier),
                .init(name: "imei", value: status == "INACTIVE" ? "" : imei),
                .init(name: "IMSI", value: imsi),
                .init(name: "MSISDN", value: msisdn),
                .init(name: "simNotes", value: ""),
            ]
            dataCharacteristics = [
                .init(name: "apn", value: random.below(2) == 0 ? "internet.m2m" : "iot.1nce.net"),
                .init(name: "ipAddress", value: "10.\(random.below(256)).\(random.below(256)).\(1 + random.below(254))"),
                .init(name: "ratType", value: ["LTE", "LTE-M", "NB-IoT", "5G"][random.below(4)]),
            ]
        case .satellite:
            identifier = uniqueTerminalSerial()
            characteristics = [
                .init(name: "dateActivated", value: dateActivated),
                .init(name: "dateAdded", value: Timestamp.iso8601(millis: added)),
                .init(name: "dateUpdated", value: Timestamp.iso8601(millis: status == "INACTIVE" ? added : updated)),
                .init(name: "terminalSN", value: identifier),
                .init(name: "terminalType", value: random.below(2) == 0 ? "ST2100" : "ST6100"),
                .init(name: "simNotes", value: ""),
            ]
        }
        let offering = connectivity == .satellite
            ? Self.satelliteOfferings[random.below(Self.satelliteOfferings.count)]
            : Self.offerings[random.below(Self.offerings.count)]
        let periodStart = Timestamp.millis(year: 2024, month: 1 + random.below(12), day: 1)
        return Product(
            id: "\(backend.rawValue)-\(identifier)",
            backend: backend,
            connectivityType: connectivity,
            status: status,
            startDate: Timestamp.iso8601(millis: start),
            customerID: customer.0,
            customerName: backend.rawValue + customer.1,
            billingAccountID: "BA-" + customer.0 + "-" + random.digits(4),
            offeringName: offering,
            identifier: identifier,
            characteristics: characteristics,
            dataCharacteristics: dataCharacteristics,
            usedKB: status == "ACTIVE" ? random.below(1_048_576) : 0,
            usagePeriodStart: Timestamp.iso8601(millis: periodStart),
            usagePeriodEnd: Timestamp.iso8601(millis: periodStart + 30 * 86_400_000 - 1)
        )
    }

    /// An ICCID of 19 or 20 digits starting `89`, ending in its Luhn check digit, unique in the fleet.
    private mutating func uniqueICCID(backend: Backend) -> String {
        while true {
            let prefix = Self.iccidPrefixes[backend] ?? "8949"
            let length = random.below(2) == 0 ? 19 : 20
            let candidate = Luhn.complete(prefix + random.digits(length - 1 - prefix.count))
            if usedIdentifiers.insert(candidate).inserted { return candidate }
        }
    }

    /// An 8-digit terminal serial number starting with 2, unique in the fleet.
    private mutating func uniqueTerminalSerial() -> String {
        while true {
            let candidate = "2" + random.digits(7)
            if usedIdentifiers.insert(candidate).inserted { return candidate }
        }
    }
}
