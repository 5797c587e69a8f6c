import CMOSimulator
import Foundation

/// The products a cassette saw, as seeds for a test's fleet (`fleet = { cassette = "file" }`): every product
/// bundle in the answers (`BACKEND-IDENTIFIER` ids), with the status it had when first seen (before the recorded run
/// changed it), its offering and its `simNotes`, in the order they first appeared.
enum CassetteFleet {
    struct ReadError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    static func products(at path: String) throws(ReadError) -> [SeedProduct] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReadError(description: "cannot read the cassette \(path): \(error.localizedDescription)")
        }
        var seeds: [String: SeedProduct] = [:]
        var order: [String] = []
        let decoder = JSONDecoder()
        for (number, line) in text.split(separator: "\n").enumerated() where !line.isEmpty {
            guard let entry = try? decoder.decode(CassetteEntry.self, from: Data(line.utf8)) else {
                throw ReadError(description: "\(path):\(number + 1): not a cassette entry")
            }
            guard let json = try? JSONSerialization.jsonObject(with: Data(entry.body.utf8), options: [.fragmentsAllowed])
            else { continue }
            collect(json, into: &seeds, order: &order)
        }
        return order.compactMap { seeds[$0] }
    }

    private static func collect(_ json: Any, into seeds: inout [String: SeedProduct], order: inout [String]) {
        if let array = json as? [Any] {
            for item in array { collect(item, into: &seeds, order: &order) }
            return
        }
        guard let object = json as? [String: Any] else { return }
        if let id = object["id"] as? String, object["status"] != nil || object["productOffering"] != nil,
            let (backend, identifier) = split(id)
        {
            var seed = seeds[id] ?? SeedProduct(backend: backend, identifier: identifier)
            if seeds[id] == nil { order.append(id) }
            if seed.status == nil { seed.status = object["status"] as? String }
            if seed.offering == nil { seed.offering = (object["productOffering"] as? [String: Any])?["name"] as? String }
            if seed.notes == nil { seed.notes = notes(in: object) }
            seeds[id] = seed
        }
        for value in object.values where value is [Any] || value is [String: Any] {
            collect(value, into: &seeds, order: &order)
        }
    }

    /// `BACKEND-IDENTIFIER` of a bundle (not a sub-product's `...-simCard`).
    private static func split(_ id: String) -> (String, String)? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        let backend = id[..<dash]
        let identifier = id[id.index(after: dash)...]
        let alphanumeric = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
        // A monitor's id (`ICCID-millis`) has no letter before its dash.
        guard alphanumeric(backend), alphanumeric(identifier), backend.allSatisfy({ !$0.isLowercase }),
            backend.contains(where: \.isLetter)
        else { return nil }
        return (String(backend), String(identifier))
    }

    private static func notes(in json: Any) -> String? {
        if let array = json as? [Any] {
            for item in array { if let found = notes(in: item) { return found } }
        } else if let object = json as? [String: Any] {
            if object["name"] as? String == "simNotes", let value = object["value"] as? String { return value }
            for value in object.values where value is [Any] || value is [String: Any] {
                if let found = notes(in: value) { return found }
            }
        }
        return nil
    }
}
