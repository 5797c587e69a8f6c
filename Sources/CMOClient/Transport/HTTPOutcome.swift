import NIOCore
import NIOHTTP1

/// An HTTP answer: status, headers, the whole body, and the problem it describes when it is an error.
struct HTTPOutcome: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer
    /// The parsed problem body of an error answer.
    var problem: Problem?

    init(status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
        if !(200..<300).contains(status), body.readableBytes > 0,
            let json = try? JSONValue(parsing: body, expecting: "a problem body")
        {
            self.problem = Problem(json: json)
        }
    }

    var isSuccess: Bool { (200..<300).contains(status) }

    /// The correlation id, from a header or the problem body.
    var correlationId: String? {
        headers.first(name: "correlationId") ?? headers.first(name: "X-Correlation-ID") ?? problem?.correlationId
    }

    /// The trace id, from a header or the problem body.
    var traceId: String? {
        headers.first(name: "traceId") ?? headers.first(name: "X-Trace-ID") ?? problem?.traceId
    }

    /// The `Retry-After` header as a wait.
    var retryAfter: Duration? {
        RetryAfter.parse(headers.first(name: "Retry-After"))
    }

    /// The `X-Rate-Limit-*` headers, when present.
    var rateLimit: RateLimitHeaders? {
        RateLimitHeaders(headers)
    }

    /// The body parsed as JSON.
    func json(expecting: String) throws(CMOError) -> JSONValue {
        guard body.readableBytes > 0 else {
            throw CMOError(kind: .decoding, message: "empty body where \(expecting) was expected")
        }
        return try JSONValue(parsing: body, expecting: expecting)
    }
}
