import CMOClient

/// One line of a cassette (JSON lines): a request to the API and its answer. Bodies are kept as text (the API
/// speaks JSON); there is no request header, token or secret.
struct CassetteEntry: Codable, Sendable {
    var method: String
    /// The target relative to the tenant's base URL: `product/ID`, `productInventory?limit=100`.
    var target: String
    var requestBody: String?
    var status: Int
    /// The answer's headers as `[name, value]` pairs.
    var headers: [[String]]
    var body: String
    /// Real seconds the exchange took.
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case method, target, requestBody = "request_body", status, headers, body, seconds
    }

    /// Headers never written: they could carry credentials.
    static let droppedHeaders: Set<String> = ["authorization", "set-cookie", "cookie", "proxy-authorization"]

    init(_ exchange: Exchange) {
        method = exchange.method
        target = exchange.target
        requestBody = exchange.requestBody.map { String(decoding: $0, as: UTF8.self) }
        status = exchange.status
        headers = exchange.headers.filter { !Self.droppedHeaders.contains($0.name.lowercased()) }.map { [$0.name, $0.value] }
        body = String(decoding: exchange.body, as: UTF8.self)
        seconds = exchange.seconds
    }

    /// The key answers are kept under for replay: method and target.
    var key: String { method + " " + target }

    var exchange: Exchange {
        Exchange(
            method: method, target: target, requestBody: requestBody.map { Array($0.utf8) }, status: status,
            headers: headers.compactMap { $0.count == 2 ? (name: $0[0], value: $0[1]) : nil }, body: Array(body.utf8),
            seconds: seconds)
    }
}
