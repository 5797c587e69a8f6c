extension JSONValue {
    /// The `value` of the entry named `name` in this entity's `productCharacteristic` list.
    public func characteristic(_ name: String) -> JSONValue? {
        guard let list = self["productCharacteristic"]?.arrayValue else { return nil }
        return list.first(where: { $0["name"]?.stringValue == name })?["value"]
    }

    /// The bundled sub-product whose id ends in `-suffix` (e.g. `simCard`), from `productRelationship`.
    public func bundledProduct(suffix: String) -> JSONValue? {
        guard let relationships = self["productRelationship"]?.arrayValue else { return nil }
        let ending = "-" + suffix
        return relationships.lazy.compactMap { $0["product"] }.first {
            $0["id"]?.stringValue?.hasSuffix(ending) == true || $0["@type"]?.stringValue == suffix
        }
    }

    /// The bundled sub-product with this id, from `productRelationship`.
    public func subProduct(id: String) -> JSONValue? {
        self["productRelationship"]?.arrayValue?.lazy.compactMap { $0["product"] }.first { $0["id"]?.stringValue == id }
    }

    /// The ICCID: the `ICCID` characteristic of this sub-product or of the bundle's simCard, or a listing
    /// summary's `ICCID` field.
    public var iccid: String? {
        if let value = characteristic("ICCID")?.stringValue ?? self["ICCID"]?.stringValue { return value }
        return bundledProduct(suffix: "simCard")?.characteristic("ICCID")?.stringValue
    }

    /// A satellite terminal's serial number: the `serialNumber` characteristic of the terminal (this entity or the
    /// bundle's), or a listing summary's `serialNumber` field.
    public var terminalSerialNumber: String? {
        if let value = characteristic("serialNumber")?.stringValue ?? self["serialNumber"]?.stringValue { return value }
        return bundledProduct(suffix: "terminal")?.characteristic("serialNumber")?.stringValue
    }

    /// The backend: the `SYSTEM` characteristic (a satellite bundle's lowercase `system` field, a summary's
    /// `system`), else the id's prefix (`JASPER-8949...` → `JASPER`).
    public var backend: String? {
        if let system = characteristic("SYSTEM")?.stringValue ?? self["system"]?.stringValue { return system }
        guard let id = self["id"]?.stringValue, let dash = id.firstIndex(of: "-") else { return nil }
        return String(id[..<dash])
    }
}

extension JSONValue {
    /// The sub-product whose status a change sets: this entity when it is one (a `simCard` or `terminal`), else
    /// the bundle's simCard or terminal; nil for a summary or projection without sub-products.
    public var statusCarrier: JSONValue? {
        if let id = self["id"]?.stringValue, id.hasSuffix("-simCard") || id.hasSuffix("-terminal") { return self }
        if let type = self["@type"]?.stringValue, type == "simCard" || type == "terminal" { return self }
        return bundledProduct(suffix: "simCard") ?? bundledProduct(suffix: "terminal")
    }

    /// The status a change compares against: the carrier's, else the entity's own `status` (a bundle, summary or
    /// projection shows its SIM's or terminal's status).
    public var carrierStatus: String? {
        statusCarrier?["status"]?.stringValue ?? self["status"]?.stringValue
    }

    /// The ICCID, or a satellite terminal's serial number: what reports identify a product by.
    public var iccidOrSerial: String? {
        iccid ?? terminalSerialNumber
    }
}
