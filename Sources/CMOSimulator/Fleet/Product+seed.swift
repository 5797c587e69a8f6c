extension Product {
    /// Takes what `seed` gives: identifier (and so id and the ICCID or serial number), offering, notes.
    mutating func apply(_ seed: SeedProduct) {
        if let identifier = seed.identifier {
            let old = self.identifier
            self.identifier = identifier
            id = "\(backend.rawValue)-\(identifier)"
            for index in characteristics.indices where characteristics[index].value == old {
                characteristics[index].value = identifier
            }
        }
        if let offering = seed.offering { offeringName = offering }
        if let notes = seed.notes { setCharacteristic("simNotes", notes) }
    }
}
