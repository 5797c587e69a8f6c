import NIOCore
import NIOHTTP1

extension CMOClient {
    /// The answer `responder` gives to `request` (`cmo run --replay`).
    func replayed(_ request: APIRequest, by responder: any ExchangeResponder) async -> HTTPOutcome {
        let answer = await responder.respond(
            to: Exchange(
                method: request.method.rawValue, target: request.url(base: ""), requestBody: request.body, status: 0,
                headers: [], body: [], seconds: 0))
        var headers = HTTPHeaders()
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        return HTTPOutcome(status: answer.status, headers: headers, body: ByteBuffer(bytes: answer.body))
    }

    /// `request` and its answer as a recorder sees them: the target relative to the tenant, no request headers
    /// (so no `Authorization`).
    static func exchange(_ request: APIRequest, outcome: HTTPOutcome, elapsed: Duration) -> Exchange {
        Exchange(
            method: request.method.rawValue, target: request.url(base: ""), requestBody: request.body,
            status: outcome.status, headers: outcome.headers.map { ($0.name, $0.value) },
            body: Array(buffer: outcome.body), seconds: elapsed.seconds)
    }
}
