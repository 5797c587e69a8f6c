/// One request to the API and its answer, as a recorder sees it and a responder gives it: no token, no
/// `Authorization`, no client secret (token requests are never recorded).
public struct Exchange: Sendable {
    /// `GET`, `PATCH`, ...
    public var method: String
    /// The request's target relative to the tenant's base URL: `product/ID`, `productInventory?limit=100`.
    public var target: String
    /// The request body, if any.
    public var requestBody: [UInt8]?
    /// The answer's status.
    public var status: Int
    /// The answer's headers, in order.
    public var headers: [(name: String, value: String)]
    /// The answer's body.
    public var body: [UInt8]
    /// Real seconds from sending to the whole answer.
    public var seconds: Double

    public init(
        method: String, target: String, requestBody: [UInt8]?, status: Int, headers: [(name: String, value: String)],
        body: [UInt8], seconds: Double
    ) {
        self.method = method
        self.target = target
        self.requestBody = requestBody
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds
    }
}

/// Receives every answered API request of a client (`cmo run --record`). Called from many tasks at once.
public protocol ExchangeRecorder: Sendable {
    func record(_ exchange: Exchange)
}

/// Answers API requests instead of the network (`cmo run --replay`): the client then sends nothing, not even a
/// token request. `exchange` has the request's fields set and the answer's empty.
public protocol ExchangeResponder: Sendable {
    func respond(to request: Exchange) async -> Exchange
}
