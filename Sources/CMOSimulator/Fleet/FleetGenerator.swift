import CMOClient

/// Builds a fleet from a seed: the same seed, size and backends always give the same products, byte for byte.
///
/// Every product's status is drawn from the statuses its backend uses (the statuses of its transition table in
/// ``BackendCatalogue``, plus BLOCKED where the tutorial shows it and on backends with the inferred table, where it
/// is final), weighted so that the overall mix stays about a third INACTIVE, two fifths ACTIVE.
struct FleetGenerator {
    private var random: SeededGenerator
    private var usedIdentifiers: Set<String> = []
    private let backends: BackendCatalogue
    /// Shares per backend, the catalogue's extra backends included.
    private let shares: [(Backend, Int)]
    /// The weighted statuses per backend name.
    private var statusesByBackend: [String: [(String, Int)]] = [:]

    init(seed: UInt64, backends: BackendCatalogue = .standard) {
        self.random = SeededGenerator(seed: seed ^ 0x434D_4F53_494D_0001)
        self.backends = backends
        var shares = Self.standardShares.filter { backends.profile(named: $0.0.rawValue) != nil }
        let known = Set(Self.standardShares.map(\.0.rawValue))
        // A backend a backends file adds gets a small share too, so that the fleet has some of its products.
        shares += backends.names.filter { !known.contains($0) }.map { (Backend(rawValue: $0), 4) }
        self.shares = shares.isEmpty ? [(.jasper, 1)] : shares
    }

    /// Shares of the fleet per backend (in percent); INTELSAT and GALAXY1 are the satellite share. TMSP (async)
    /// and JASPER and TMUS (sync) carry the tutorial's INACTIVE SIMs.
    private static let standardShares: [(Backend, Int)] = [
        (.tmsp, 26), (.jasper, 20), (.tmus, 12), (.oneNCE, 10), (.iota, 5), (.airlinq, 5), (.stc, 4), (.turkcell, 4),
        (.intelsat, 9), (.galaxy1, 5),
    ]

    /// Weights of statuses across the fleet; each backend keeps those of its own statuses.
    private static let statusWeights: [String: Int] = [
        "INACTIVE": 35, "ACTIVE": 40, "SUSPENDED": 17, "BLOCKED": 8, "CREATED": 3, "INVENTORY": 3, "TERMINATED": 2,
        "PENDING_TERMINATE": 1,
    ]

    /// Backends where BLOCKED shows although no transition leads there (the tutorial shows it on TMUS and TMSP).
    private static let blockedBackends: Set<String> = ["TMUS", "TMSP"]

    /// The statuses a product of `profile`'s backend is generated in, with their weights, in lifecycle order.
    static func statuses(of profile: BackendProfile) -> [(String, Int)] {
        var names = FleetState.statuses(of: profile.transitions)
        if blockedBackends.contains(profile.name) || profile.transitions == .inferred { names.insert("BLOCKED") }
        let weighted = names.sorted { FleetState.lifecycleOrder($0) < FleetState.lifecycleOrder($1) }
            .compactMap { name in statusWeights[name].map { (name, $0) } }
        return weighted.isEmpty ? [("ACTIVE", 1)] : weighted
    }

    /// ICCID prefix (issuer identification) per cellular backend.
    private static let iccidPrefixes: [Backend: String] = [
        .jasper: "894920", .tmus: "890126", .oneNCE: "898822", .tmsp: "894902", .iota: "894301", .airlinq: "899110",
        .stc: "899660", .turkcell: "899001",
    ]

    /// IMSI prefix (MCC + MNC) per cellular backend.
    private static let imsiPrefixes: [Backend: String] = [
        .jasper: "26201", .tmus: "310260", .oneNCE: "90140", .tmsp: "26201", .iota: "23203", .airlinq: "405857",
        .stc: "42001", .turkcell: "28601",
    ]

    /// Offerings and their data allowance per billing period, in KB.
    private static let offerings: [(String, Int)] = [
        ("1GB Shared Fixed Pool Roaming", 1_048_576), ("500MB Pool EU", 512_000), ("IoT Flex 10MB", 10_240),
        ("NB-IoT Germany 1MB", 1024), ("LTE-M Europe 50MB", 51_200), ("Global Roaming 5GB", 5_242_880),
    ]

    private static let satelliteOfferings: [(String, Int)] = [("Satellite IoT 10KB", 10), ("Satellite IoT 100KB", 100)]

    private static let customers: [(String, String)] = [
        ("100125", "_1"), ("100126", "_2"), ("100311", "_3"),
    ]

    private static let terminalModels = ["ST2100", "ST6100", "IDP-800", "OGx-ST9100"]
    private static let vessels = ["Nordlicht", "Baltic Star", "Sea Falcon", "Cape Horn", "Aurora", "Helgoland"]
    private static let sites = ["Pipeline km", "Pump station", "Wind farm", "Weather mast", "Depot"]

    /// Generates `count` products.
    mutating func makeFleet(count: Int) -> [Product] {
        (0..<count).map { _ in makeProduct() }
    }

    /// The configuration's products when it names some, else `fleetSize` generated ones.
    mutating func makeFleet(for configuration: SimulatorConfiguration) -> [Product] {
        guard !configuration.products.isEmpty else { return makeFleet(count: configuration.fleetSize) }
        for seed in configuration.products { if let identifier = seed.identifier { usedIdentifiers.insert(identifier) } }
        return configuration.products.map { seed in
            var product = makeProduct(backend: Backend(rawValue: seed.backend), status: seed.status)
            product.apply(seed)
            return product
        }
    }

    private mutating func makeProduct(backend chosen: Backend? = nil, status given: String? = nil) -> Product {
        let backend = chosen ?? random.weighted(shares)
        let profile = backends.profile(named: backend.rawValue) ?? BackendProfile(name: backend.rawValue, isAsynchronous: false)
        if statusesByBackend[backend.rawValue] == nil { statusesByBackend[backend.rawValue] = Self.statuses(of: profile) }
        let status = given ?? random.weighted(statusesByBackend[backend.rawValue] ?? [("ACTIVE", 1)])
        let connectivity: ConnectivityType = profile.isSatellite ? .satellite : .cellular
        let neverActive = ["INACTIVE", "CREATED", "INVENTORY"].contains(status)

        // Dates between 2019-01-01 and 2023-12-31, activation after addition, update after activation.
        let added = Timestamp.millis(year: 2019, month: 1, day: 1) + Int64(random.below(5 * 365 * 86_400_000))
        let start = added - Int64(random.below(3 * 86_400_000))
        let activated = added + Int64(random.below(120 * 86_400_000))
        let updated = activated + Int64(random.below(365 * 86_400_000))
        let customerIndex = random.below(Self.customers.count)
        let customer = Self.customers[customerIndex]

        let identifier: String
        var characteristics: [Product.Characteristic]
        var dataCharacteristics: [Product.Characteristic] = []
        var terminalName: String?
        let dateActivated = neverActive ? "" : Timestamp.iso8601(millis: activated)
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
                .init(name: "dateUpdated", value: Timestamp.iso8601(millis: neverActive ? added : updated)),
                .init(name: "euiccid", value: isESIM ? "89049032" + random.digits(24) : ""),
                .init(name: "globalSimType", value: isESIM ? "eUICC" : ""),
                .init(name: "ICCID", value: identifier),
                .init(name: "imei", value: neverActive ? "" : imei),
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
            let maritime = random.below(2) == 0
            let name = maritime
                ? "MV " + Self.vessels[random.below(Self.vessels.count)] + " " + String(1 + random.below(99))
                : Self.sites[random.below(Self.sites.count)] + " " + String(1 + random.below(400))
            terminalName = name
            // Maritime terminals in the North and Baltic Seas, fixed ones on land in Germany.
            let latitude = maritime ? 53.5 + Double(random.below(4_000_000)) / 1_000_000 : 48.0 + Double(random.below(6_000_000)) / 1_000_000
            let longitude = maritime ? 3.0 + Double(random.below(17_000_000)) / 1_000_000 : 6.5 + Double(random.below(8_000_000)) / 1_000_000
            let lastSync = updated + Int64(random.below(30 * 86_400_000))
            characteristics = [
                .init(name: "serialNumber", value: identifier),
                .init(name: "name", value: name),
                .init(name: "latitude", value: Self.coordinate(latitude)),
                .init(name: "longitude", value: Self.coordinate(longitude)),
                .init(name: "model", value: Self.terminalModels[random.below(Self.terminalModels.count)]),
                .init(name: "state", value: status == "ACTIVE" ? (random.below(5) == 0 ? "OFFLINE" : "ONLINE") : "OFFLINE"),
                .init(name: "mobilityType", value: maritime ? "MARITIME" : "FIXED"),
                .init(name: "imoNumber", value: maritime ? Self.imoNumber(random.digits(6)) : ""),
                .init(name: "mmsi", value: maritime ? "211" + random.digits(6) : ""),
                .init(name: "antennaCode", value: "ANT-" + random.digits(6)),
                .init(name: "lastUpdated", value: Timestamp.iso8601(millis: neverActive ? added : updated)),
                .init(name: "lastSync", value: neverActive ? "" : Timestamp.iso8601(millis: lastSync)),
                .init(name: "simNotes", value: ""),
            ]
        }
        let offering = connectivity == .satellite
            ? Self.satelliteOfferings[random.below(Self.satelliteOfferings.count)]
            : Self.offerings[random.below(Self.offerings.count)]
        let periodStart = Timestamp.millis(year: 2024, month: 1 + random.below(12), day: 1)
        let usage = makeUsage(active: status == "ACTIVE", satellite: connectivity == .satellite, limitKB: offering.1)
        return Product(
            id: "\(backend.rawValue)-\(identifier)",
            backend: backend,
            connectivityType: connectivity,
            status: status,
            startDate: Timestamp.iso8601(millis: start),
            customerID: customer.0,
            customerName: backend.rawValue + customer.1,
            billingAccountID: "BA-" + customer.0 + "-" + random.digits(4),
            offeringName: offering.0,
            identifier: identifier,
            characteristics: characteristics,
            dataCharacteristics: dataCharacteristics,
            usedKB: Int(usage.dataMicroKB / 1_000_000),
            usagePeriodStart: Timestamp.iso8601(millis: periodStart),
            usagePeriodEnd: Timestamp.iso8601(millis: periodStart + 30 * 86_400_000 - 1),
            usage: usage,
            terminalName: terminalName,
            accountIndex: connectivity == .satellite ? customerIndex : nil
        )
    }

    /// Consumption of one product: nothing unless ACTIVE; then data log-uniform from 1 KB to 1 GB with one SIM in
    /// ten between 1 and 4 GB (satellite terminals: up to a few hundred KB), a last day of up to a tenth of the
    /// period, SMS and voice for some.
    private mutating func makeUsage(active: Bool, satellite: Bool, limitKB: Int) -> Product.Usage {
        guard active else {
            return Product.Usage(dataMicroKB: 0, dataLastDayMicroKB: 0, sms: 0, smsLastDay: 0, voiceSeconds: 0, voiceLastDaySeconds: 0, dataLimitKB: limitKB)
        }
        let micro: Int64
        if satellite {
            micro = Int64(random.below(300_000_000))
        } else if random.below(10) == 0 {
            micro = 1_048_576_000_000 + Int64(random.below(3_145_728)) * 1_000_000 + Int64(random.below(1_000_000))
        } else {
            // 10^(0...6) KB, log-uniform, with six random decimals.
            let exponent = random.unit() * 6
            let kilobytes = Int64(pow10(exponent))
            micro = kilobytes * 1_000_000 + Int64(random.below(1_000_000))
        }
        let lastDay = micro / 100 * Int64(random.below(11))
        let sms = satellite ? 0 : random.below(4) == 0 ? random.below(300) : 0
        let voice = satellite ? 0 : random.below(8) == 0 ? random.below(7200) : 0
        return Product.Usage(
            dataMicroKB: micro, dataLastDayMicroKB: lastDay, sms: sms, smsLastDay: sms / 30, voiceSeconds: voice,
            voiceLastDaySeconds: voice / 30, dataLimitKB: limitKB
        )
    }

    /// 10^x for x in [0, 6], by repeated multiplication and a short series (no Foundation, same on every platform).
    private func pow10(_ x: Double) -> Double {
        var result = 1.0
        var whole = Int(x)
        while whole > 0 {
            result *= 10
            whole -= 1
        }
        // 10^f = e^(f ln 10), f in [0, 1): a Taylor series of 20 terms is exact to double precision here.
        let y = (x - Double(Int(x))) * 2.302585092994046
        var term = 1.0
        var sum = 1.0
        for n in 1...20 {
            term *= y / Double(n)
            sum += term
        }
        return result * sum
    }

    /// A coordinate with six decimals.
    private static func coordinate(_ value: Double) -> String {
        let micro = Int((value * 1_000_000).rounded())
        let fraction = String(micro % 1_000_000)
        return String(micro / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// An IMO ship number: six digits and their check digit (weights 7 to 2, last digit of the sum).
    private static func imoNumber(_ digits: String) -> String {
        let sum = zip(digits.utf8, [7, 6, 5, 4, 3, 2]).reduce(0) { $0 + (Int($1.0) - 48) * $1.1 }
        return digits + String(sum % 10)
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
