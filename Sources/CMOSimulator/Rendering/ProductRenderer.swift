/// Writes products in the real service's shapes and field order.
enum ProductRenderer {
    /// Top-level members of a bundle, in the order the service writes them (also the names `fields` may select).
    static let bundleFields: [String] = [
        "id", "href", "isBundle", "isCustomerVisible", "startDate", "status", "connectivityType", "relatedParty",
        "billingAccount", "productOffering", "productCharacteristic", "productRelationship", "@baseType", "@type",
    ]

    /// A satellite bundle's members: the cellular ones plus `name`, lowercase `system` and `account_index`.
    static let satelliteBundleFields: [String] = [
        "id", "href", "isBundle", "isCustomerVisible", "name", "startDate", "status", "connectivityType", "system",
        "account_index", "relatedParty", "billingAccount", "productOffering", "productCharacteristic",
        "productRelationship", "@baseType", "@type",
    ]

    /// Writes the full bundle, embedding the already rendered sub-products.
    static func writeBundle(_ product: Product, subProducts: [JSONTemplate], into writer: inout JSONWriter) {
        writer.beginObject()
        for field in product.connectivityType == .satellite ? satelliteBundleFields : bundleFields {
            if field == "productRelationship" {
                writer.key(field)
                writer.beginArray()
                for subProduct in subProducts {
                    writer.beginObject()
                    writer.field("type", "BUNDLED")
                    writer.key("product")
                    writer.raw(template: subProduct)
                    writer.endObject()
                }
                writer.endArray()
            } else {
                writeBundleField(field, of: product, into: &writer)
            }
        }
        writer.endObject()
    }

    /// Writes the projection of a bundle on `fields` (the list's `fields=` parameter), in the requested order.
    static func writeProjection(_ product: Product, fields: [String], rendered: RenderedProduct, into writer: inout JSONWriter) {
        writer.beginObject()
        for field in fields {
            if field == "productRelationship" {
                writer.key(field)
                writer.beginArray()
                for kind in product.subProducts {
                    guard let template = rendered.subProducts[kind] else { continue }
                    writer.beginObject()
                    writer.field("type", "BUNDLED")
                    writer.key("product")
                    writer.raw(template: template)
                    writer.endObject()
                }
                writer.endArray()
            } else {
                writeBundleField(field, of: product, into: &writer)
            }
        }
        writer.endObject()
    }

    /// Writes one top-level member of a bundle (not `productRelationship`). Unknown names write nothing.
    static func writeBundleField(_ field: String, of product: Product, into writer: inout JSONWriter) {
        switch field {
        case "id": writer.field("id", product.id)
        case "href": writer.linkField("href", "/product/" + product.id)
        case "isBundle": writer.field("isBundle", true)
        case "isCustomerVisible": writer.field("isCustomerVisible", true)
        case "startDate": writer.field("startDate", product.startDate)
        case "status": writer.field("status", product.status)
        case "connectivityType": writer.field("connectivityType", product.connectivityType.rawValue)
        case "relatedParty":
            writer.key("relatedParty")
            writer.beginArray()
            writer.beginObject()
            writer.field("id", product.customerID)
            writer.field("name", product.customerName)
            writer.field("role", "customer")
            writer.endObject()
            writer.endArray()
        case "billingAccount":
            writer.key("billingAccount")
            writer.beginObject()
            writer.field("id", product.billingAccountID)
            writer.endObject()
        case "productOffering":
            writer.key("productOffering")
            writer.beginObject()
            writer.field("name", product.offeringName)
            writer.endObject()
        case "productCharacteristic":
            writer.key("productCharacteristic")
            writeCharacteristics([.init(name: "SYSTEM", value: product.backend.rawValue)], into: &writer)
        case "@baseType": writer.field("@baseType", "product")
        case "@type": writer.field("@type", "IoTConnection")
        case "name" where product.connectivityType == .satellite: writer.field("name", product.terminalName ?? product.identifier)
        case "system" where product.connectivityType == .satellite: writer.field("system", product.backend.rawValue)
        case "account_index" where product.connectivityType == .satellite: writer.field("account_index", product.accountIndex ?? 0)
        default: break
        }
    }

    /// Writes the summary a list without `fields` gives per product: `id`, `href`, `status`, `connectivityType`,
    /// `relatedParty`, `ICCID` (cellular) or `serialNumber` (satellite), and `system` (the backend).
    static func writeSummary(_ product: Product, into writer: inout JSONWriter) {
        writer.beginObject()
        for field in ["id", "href", "status", "connectivityType", "relatedParty"] {
            writeBundleField(field, of: product, into: &writer)
        }
        writer.field(product.connectivityType == .cellular ? "ICCID" : "serialNumber", product.identifier)
        writer.field("system", product.backend.rawValue)
        writer.endObject()
    }

    /// Writes a sub-product object.
    static func writeSubProduct(_ kind: SubProduct, of product: Product, into writer: inout JSONWriter) {
        let id = product.id + kind.suffix
        writer.beginObject()
        writer.field("id", id)
        writer.linkField("href", "/product/" + id)
        writer.field("isBundle", false)
        switch kind {
        case .simCard, .terminal:
            writer.field("status", product.status)
            writer.key("productCharacteristic")
            writeCharacteristics(product.characteristics, into: &writer)
            writer.key("customProperty")
            writeCharacteristics(product.customProperties ?? [], into: &writer)
        case .dataConnectivity:
            writer.field("status", product.status)
            writer.key("productCharacteristic")
            writeCharacteristics(product.dataCharacteristics, into: &writer)
        case .usageVolumeData:
            writer.field("usageType", "DATA")
            writer.field("isShared", false)
            writer.key("bucketCounter")
            writeBuckets(of: product, into: &writer)
        }
        writer.field("@baseType", "product")
        writer.field("@type", kind.typeName)
        writer.endObject()
    }

    /// The usage buckets. TMSP, the only backend documented to report consumption, gives data, SMS and voice for
    /// the billing period and its last day plus the period's data limit, each amount one string with its unit
    /// (`"1401626.776576 KB"`); every other backend gives the period's data used as `{"amount", "units"}`.
    static func writeBuckets(of product: Product, into writer: inout JSONWriter) {
        let period = (product.usagePeriodStart, product.usagePeriodEnd)
        writer.beginArray()
        guard product.backend == .tmsp else {
            writeBucket("dataUsage", "DATA", "USED", "BILLING_PERIOD", period, into: &writer) { writer in
                writer.beginObject()
                writer.key("amount")
                writer.raw(Array(decimal(product.dataUsedMicroKB).utf8))
                writer.field("units", "KB")
                writer.endObject()
            }
            writer.endArray()
            return
        }
        let usage = product.usage ?? Product.Usage(
            dataMicroKB: product.dataUsedMicroKB, dataLastDayMicroKB: 0, sms: 0, smsLastDay: 0, voiceSeconds: 0,
            voiceLastDaySeconds: 0, dataLimitKB: 0
        )
        let end = Timestamp.parse(product.usagePeriodEnd)
        let lastDay = end.map { (Timestamp.iso8601(millis: $0 - 86_400_000 + 1), product.usagePeriodEnd) } ?? period
        let buckets: [(String, String, String, String, (String, String), String)] = [
            ("dataUsage", "DATA", "USED", "BILLING_PERIOD", period, decimal(usage.dataMicroKB) + " KB"),
            ("dataLimit", "DATA", "LIMIT", "BILLING_PERIOD", period, decimal(Int64(usage.dataLimitKB) * 1_000_000) + " KB"),
            ("smsUsage", "SMS", "USED", "BILLING_PERIOD", period, "\(usage.sms) SMS"),
            ("voiceUsage", "VOICE", "USED", "BILLING_PERIOD", period, "\(usage.voiceSeconds) SECONDS"),
            ("dataUsageLastDay", "DATA", "USED", "LAST_DAY", lastDay, decimal(usage.dataLastDayMicroKB) + " KB"),
            ("smsUsageLastDay", "SMS", "USED", "LAST_DAY", lastDay, "\(usage.smsLastDay) SMS"),
            ("voiceUsageLastDay", "VOICE", "USED", "LAST_DAY", lastDay, "\(usage.voiceLastDaySeconds) SECONDS"),
        ]
        for (name, type, counter, periodType, dates, value) in buckets {
            writeBucket(name, type, counter, periodType, dates, into: &writer) { $0.string(value) }
        }
        writer.endArray()
    }

    private static func writeBucket(
        _ name: String, _ usageType: String, _ counterType: String, _ periodType: String, _ period: (String, String),
        into writer: inout JSONWriter, value: (inout JSONWriter) -> Void
    ) {
        writer.beginObject()
        writer.field("valueName", name)
        writer.field("usageType", usageType)
        writer.field("counterType", counterType)
        writer.field("periodType", periodType)
        writer.key("value")
        value(&writer)
        writer.key("consumptionPeriod")
        writer.beginObject()
        writer.field("startDateTime", period.0)
        writer.field("endDateTime", period.1)
        writer.endObject()
        writer.endObject()
    }

    /// Millionths written as a decimal with six places: `1401626776576` → `1401626.776576`.
    static func decimal(_ micro: Int64) -> String {
        let fraction = String(micro % 1_000_000)
        return String(micro / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    private static func writeCharacteristics(_ characteristics: [Product.Characteristic], into writer: inout JSONWriter) {
        writer.beginArray()
        for characteristic in characteristics {
            writer.beginObject()
            writer.field("name", characteristic.name)
            writer.field("value", characteristic.value)
            writer.endObject()
        }
        writer.endArray()
    }
}
