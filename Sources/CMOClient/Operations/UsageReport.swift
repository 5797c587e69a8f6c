/// What a product consumed, read from its usage sub-product (`-usageVolume-data`): the billing period's and the
/// last day's data, SMS and voice, with the period's data limit when the backend reports one.
///
/// Backends write a bucket's value either as `{"amount": 1401626.776576, "units": "KB"}` or as one string,
/// `"1401626.776576 KB"` (TMSP); both are read. Data is converted to bytes with 1 KB = 1024 bytes (the pages do
/// not say; binary units are what operators' portals show), rounded to the nearest byte. A bucket without
/// `periodType` counts for the billing period; one without `usageType` is data; one without `counterType` is
/// `USED`. Figures a backend does not report stay nil.
public struct UsageReport: Sendable, Equatable {
    /// Consumption over one span (the billing period, or the last day).
    public struct Figures: Sendable, Equatable {
        public var dataBytes: Int64?
        public var dataLimitBytes: Int64?
        public var sms: Int64?
        public var voiceSeconds: Int64?

        public init(dataBytes: Int64? = nil, dataLimitBytes: Int64? = nil, sms: Int64? = nil, voiceSeconds: Int64? = nil) {
            self.dataBytes = dataBytes
            self.dataLimitBytes = dataLimitBytes
            self.sms = sms
            self.voiceSeconds = voiceSeconds
        }
    }

    /// The usage sub-product's id.
    public var id: String
    /// The billing period's figures.
    public var period: Figures
    /// The last day's figures.
    public var lastDay: Figures
    /// The billing period's bounds as the server wrote them (ISO 8601), when given.
    public var periodStart: String?
    public var periodEnd: String?

    public init(id: String, period: Figures = .init(), lastDay: Figures = .init(), periodStart: String? = nil, periodEnd: String? = nil) {
        self.id = id
        self.period = period
        self.lastDay = lastDay
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }
}

extension UsageReport {
    /// Reads a usage sub-product; nil when it has no `bucketCounter` list.
    public init?(parsing usage: JSONValue) {
        guard let buckets = usage["bucketCounter"]?.arrayValue else { return nil }
        self.init(id: usage["id"]?.stringValue ?? "")
        for bucket in buckets {
            guard let quantity = Self.quantity(bucket["value"]) else { continue }
            let lastDay = bucket["periodType"]?.stringValue?.uppercased() == "LAST_DAY"
            if !lastDay, let bounds = bucket["consumptionPeriod"], periodStart == nil {
                periodStart = bounds["startDateTime"]?.stringValue
                periodEnd = bounds["endDateTime"]?.stringValue
            }
            let limit = bucket["counterType"]?.stringValue?.uppercased() == "LIMIT"
            let type = bucket["usageType"]?.stringValue?.uppercased() ?? "DATA"
            var figures = lastDay ? self.lastDay : period
            switch type {
            case "SMS" where !limit: figures.sms = Self.rounded(quantity.amount)
            case "VOICE" where !limit: figures.voiceSeconds = Self.seconds(quantity)
            case "DATA":
                let bytes = Self.bytes(quantity)
                if limit { figures.dataLimitBytes = bytes } else { figures.dataBytes = bytes }
            default: continue
            }
            if lastDay { self.lastDay = figures } else { period = figures }
        }
    }

    /// An amount and its unit, from `{"amount": ..., "units": ...}` or `"1401626.776576 KB"`.
    static func quantity(_ value: JSONValue?) -> (amount: Double, units: String)? {
        guard let value else { return nil }
        if let text = value.stringValue {
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = parts.first, let amount = Double(first) else { return nil }
            return (amount, parts.count > 1 ? String(parts[1]) : "")
        }
        let amount = value["amount"].flatMap { $0.doubleValue ?? $0.stringValue.flatMap(Double.init) }
        guard let amount else { return nil }
        return (amount, value["units"]?.stringValue ?? "")
    }

    /// Bytes of a data quantity; an unknown unit is taken as KB, the unit the API uses.
    static func bytes(_ quantity: (amount: Double, units: String)) -> Int64 {
        let scale: Double =
            switch quantity.units.uppercased() {
            case "B", "BYTE", "BYTES": 1
            case "MB": 1024 * 1024
            case "GB": 1024 * 1024 * 1024
            default: 1024
            }
        return rounded(quantity.amount * scale)
    }

    /// Seconds of a voice quantity (`SECONDS`, `MIN`/`MINUTES`).
    static func seconds(_ quantity: (amount: Double, units: String)) -> Int64 {
        quantity.units.uppercased().hasPrefix("MIN") ? rounded(quantity.amount * 60) : rounded(quantity.amount)
    }

    static func rounded(_ value: Double) -> Int64 {
        value.isFinite ? Int64(value.rounded()) : 0
    }
}

extension CMOClient {
    /// `GET product/{id}-usageVolume-data`: the product's consumption (`id` is the bundle's, or the usage
    /// sub-product's own).
    public func usage(id: String) async throws(CMOError) -> UsageReport {
        let bundle = BackendCatalogue.bundleID(id)
        let json = try await subProduct(id: bundle, suffix: "usageVolume-data")
        guard let report = UsageReport(parsing: json) else {
            throw CMOError.unexpectedShape(expecting: "a usage sub-product with 'bucketCounter'", got: json)
        }
        return report
    }
}
