import NIOHTTP1

/// One request to the API, relative to `apiURL/tenant/`.
struct APIRequest: Sendable {
    var method: HTTPMethod
    /// The path below the tenant, already percent-encoded, e.g. `product/JASPER-8949-simCard`.
    var path: String
    /// Query items, percent-encoded when the URL is built.
    var query: [(name: String, value: String)] = []
    var body: [UInt8]?
    var contentType: String?
    /// What may be repeated.
    var safety: RetryStateMachine.Safety
    /// The backend whose pace the request keeps, when its path names none (a monitor poll for a known product).
    var backendHint: String? = nil

    /// The backend the request is for: the hint, else the prefix of the product its path names
    /// (`product/1NCE-8988...-simCard` → `1NCE`); nil for requests about no product (a list page, find).
    var backend: String? { backendHint ?? Self.backend(ofPath: path) }

    /// The backend named by `product/<BACKEND>-...`: letters and digits before the first `-`.
    static func backend(ofPath path: String) -> String? {
        guard path.hasPrefix("product/") else { return nil }
        let id = path.dropFirst("product/".count)
        guard let dash = id.firstIndex(of: "-") else { return nil }
        let name = id[..<dash]
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return String(name)
    }

    /// `METHOD path` for errors and logs (no host, no query).
    var label: String { "\(method.rawValue) \(path)" }

    /// The absolute URL under `base` (which ends in `/`).
    func url(base: String) -> String {
        guard !query.isEmpty else { return base + path }
        let items = query.map { "\(PathEncoding.encodeQuery($0.name))=\(PathEncoding.encodeQuery($0.value))" }
        return base + path + "?" + items.joined(separator: "&")
    }
}

/// Percent-encoding of path segments and query items.
enum PathEncoding {
    private static let unreserved = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// Encodes one path segment: everything but unreserved characters (so `/` and `?` in an id stay inside it).
    static func encodeSegment(_ segment: String) -> String {
        encode(segment, keeping: unreserved)
    }

    /// Encodes a query name or value; commas stay readable (`fields=id,status`).
    static func encodeQuery(_ value: String) -> String {
        encode(value, keeping: unreserved.union([UInt8(ascii: ",")]))
    }

    /// `application/x-www-form-urlencoded` encoding of one value.
    static func encodeForm(_ value: String) -> String {
        encode(value, keeping: unreserved)
    }

    private static func encode(_ value: String, keeping allowed: Set<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            if allowed.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
