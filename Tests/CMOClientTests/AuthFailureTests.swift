import CMOClient
import CMOSimulator
import Hummingbird
import Testing

/// What the client does when the API keeps refusing its tokens, and the HTTP Basic credential style.
@Suite struct AuthFailureTests {
    @Test func secondUnauthorizedIsATypedAuthErrorAfterOneRefresh() async throws {
        // A server whose API answers 401 to everything, with a problem body; its token endpoint works.
        let body = #"{"type":"Unauthorized","status":401,"title":"Error","detail":"The access token has expired."}"#
        let (error, stats) = try await TinyServer.withServer(status: .unauthorized, body: body) { base in
            try await withClient(MalformedResponseTests.configuration(base: base)) { client in
                let error = await #expect(throws: CMOError.self) { try await client.product(id: "JASPER-1") }
                return (error, client.statistics)
            }
        }
        let unauthorized = try #require(error)
        #expect(unauthorized.kind == .auth)
        #expect(unauthorized.status == 401)
        #expect(unauthorized.attempts == 2)
        #expect(unauthorized.detail == "The access token has expired.")
        #expect(unauthorized.retryable == false)
        // The first token, and one refresh after the first 401: no loop.
        #expect(stats.tokenFetches == 2)
        #expect(stats.requests == 2)
    }

    @Test func httpBasicCredentialsWork() async throws {
        try await withSimulator(configure: { $0.auth.credentialStyle = .basic }) { sim, client in
            let product = try await client.product(id: sim.products[0].id)
            #expect(product["id"]?.stringValue == sim.products[0].id)
            #expect(client.statistics.tokenFetches == 1)
        }
    }
}
