import CMOClient
import Logging
import Testing

/// Answers the simulator never gives, from a tiny real HTTP server.
@Suite struct MalformedResponseTests {
    static func configuration(base: String) -> Configuration {
        Configuration(
            apiURL: "\(base)/api", tenant: "eos",
            auth: .init(tokenURL: "\(base)/token", clientID: "c", clientSecret: Secret("s")),
            retry: .none)
    }

    @Test func truncatedJSONIsADecodingErrorWithAShortExcerpt() async throws {
        let error = try await TinyServer.withServer(body: #"{"id":"JASPER-8949","status":"ACT"#) { base in
            try await withClient(Self.configuration(base: base)) { client in
                await #expect(throws: CMOError.self) { try await client.product(id: "JASPER-8949") }
            }
        }
        let decoding = try #require(error)
        #expect(decoding.kind == .decoding)
        #expect(
            decoding.message
                == #"malformed JSON: expected a closing '"' at byte 29 of a product object (near '{"id":"JASPER-8949","status":"ACT')"#
        )
    }

    @Test func htmlInsteadOfJSONSaysWhatWasExpected() async throws {
        let error = try await TinyServer.withServer(body: "<html><body>gateway says hello</body></html>") { base in
            try await withClient(Self.configuration(base: base)) { client in
                var iterator = client.list(fields: ["id"], pageSize: 5).makeAsyncIterator()
                return await #expect(throws: CMOError.self) { _ = try await iterator.next() }
            }
        }
        let decoding = try #require(error)
        #expect(decoding.kind == .decoding)
        #expect(decoding.message.hasPrefix("malformed JSON: expected a value at byte 0 of a product page (near '<html>"))
    }

    @Test func validJSONOfTheWrongShapeIsADecodingError() async throws {
        let error = try await TinyServer.withServer(body: #"["not","an","object"]"#) { base in
            try await withClient(Self.configuration(base: base)) { client in
                await #expect(throws: CMOError.self) { try await client.monitor(id: "8949-1") }
            }
        }
        #expect(error?.message.hasPrefix("unexpected response: expected a monitor object, got array") == true)
    }
}
