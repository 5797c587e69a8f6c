/// Writes products in the real service's shapes and field order.
enum ProductRenderer {
    /// Top-level members of a bundle, in the order the service writes them (also the names `fields` may select).
    static let bundleFields: [String] = [
        "id", "href", "isBundle", "isCustomerVisible", "startDate", "status", "connectivityType", "relatedParty",
        "billingAccount", "productOffering", "productCharacteristic", "productRelationship", "@baseType", "@type",
    ]

    static let bundleFieldSet = Set(bundleFields)

    /// Writes the full bundle, embedding the already rendered sub-products.
    static func writeBundle(_ product: Product, subProducts: [JSONTemplate], into writer: inout JSONWriter) {
        writer.beginObject()
        for field in bundleFields {
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
        default: break
        }
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
            writer.beginArray()
            writer.beginObject()
            writer.field("valueName", "dataUsage")
            writer.key("value")
            writer.beginObject()
            writer.field("amount", product.usedKB)
            writer.field("units", "KB")
            writer.endObject()
            writer.key("consumptionPeriod")
            writer.beginObject()
            writer.field("startDateTime", product.usagePeriodStart)
            writer.field("endDateTime", product.usagePeriodEnd)
            writer.endObject()
            writer.field("counterType", "USED")
            writer.endObject()
            writer.endArray()
        }
        writer.field("@baseType", "product")
        writer.field("@type", kind.typeName)
        writer.endObject()
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
