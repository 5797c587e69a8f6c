import AsyncHTTPClient
import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// Hundreds of malformed requests: every answer must be a 4xx with a problem body (or, at the token endpoint,
/// an OAuth error body) — never a 5xx.
@Suite struct FuzzTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var headers: [(String, String)]
        var body: [UInt8]?
        var description: String { "\(method) \(path.prefix(120)) \(headers.map(\.0)) body \(body?.count ?? 0)B" }
    }

    static func cases(token: String, product: String) -> [Case] {
        var generator = SystemRandomNumberGenerator()
        var random = FuzzRandom(seed: 1234)
        let auth = [("Authorization", "Bearer \(token)")]
        let patchHeaders = auth + [("Content-Type", "application/json-patch+json")]
        var cases: [Case] = []
        let api = "/connection-management-orchestrator/v5/eos"

        // Bad JSON bodies for PATCH and find.
        let badBodies: [String] = [
            "", " ", "[", "]", "{", "[{]", "[{\"op\":}]", "null", "true", "42", "\"x\"", "[null]", "[[]]", "[{}]",
            "[{\"op\":\"replace\"}]", "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":{}}]",
            "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":[\"ACTIVE\"]}]", "[{\"op\":\"remove\",\"path\":\"/status\"}]",
            "[{\"op\":\"copy\",\"from\":\"/status\",\"path\":\"/simNotes\"}]", "[{\"op\":\"test\",\"path\":\"/ICCID\",\"value\":\"1\"}]",
            "[{\"op\":\"replace\",\"path\":\"/status/0\",\"value\":\"ACTIVE\"}]", "[{\"op\":\"replace\",\"path\":\"\",\"value\":\"ACTIVE\"}]",
            "[{\"op\":\"replace\",\"path\":\"/~\",\"value\":\"ACTIVE\"}]", "[{\"op\":\"REPLACE\",\"path\":\"/status\",\"value\":\"ACTIVE\"}]",
            "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"ACTIVE\"},]", "\u{FEFF}[", "[\"\u{0}\"]",
            String(repeating: "[", count: 5000), String(repeating: "{\"a\":", count: 3000),
            "[{\"op\":\"replace\",\"path\":\"/simNotes\",\"value\":\"" + String(repeating: "é", count: 2000) + "\"}]",
        ]
        for body in badBodies {
            cases.append(Case(method: .PATCH, path: "\(api)/product/\(product)-simCard", headers: patchHeaders, body: Array(body.utf8)))
            cases.append(Case(method: .POST, path: "\(api)/product/find", headers: auth + [("Content-Type", "application/json")], body: Array(body.utf8)))
        }
        // Random bytes.
        for _ in 0..<30 {
            let count = Int(random.next() % 300) + 1
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            cases.append(Case(method: .PATCH, path: "\(api)/product/\(product)-simCard", headers: patchHeaders, body: bytes))
        }
        // Huge bodies.
        let huge = [UInt8](repeating: UInt8(ascii: "["), count: 3 << 20)
        cases.append(Case(method: .PATCH, path: "\(api)/product/\(product)-simCard", headers: patchHeaders, body: huge))
        cases.append(Case(method: .POST, path: "\(api)/product/find", headers: auth + [("Content-Type", "application/json")], body: huge))
        // Wrong methods.
        for method in [HTTPMethod.DELETE, .PUT, .POST, .OPTIONS, .PATCH] {
            cases.append(Case(method: method, path: "\(api)/product", headers: auth, body: nil))
            cases.append(Case(method: method == .PATCH ? .DELETE : method, path: "\(api)/product/\(product)", headers: auth, body: nil))
            cases.append(Case(method: method, path: "\(api)/monitor/123-456", headers: auth, body: nil))
            if method != .POST { cases.append(Case(method: method, path: "\(api)/product/find", headers: auth, body: nil)) }
            cases.append(Case(method: method, path: "/_sim/changes", headers: [], body: nil))
        }
        // Wrong content types.
        let goodPatch = Array(#"[{"op":"replace","path":"/simNotes","value":"x"}]"#.utf8)
        for type in ["application/json", "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json-patch", "json-patch+json", "", "application/merge-patch+json"] {
            cases.append(Case(method: .PATCH, path: "\(api)/product/\(product)-simCard", headers: auth + [("Content-Type", type)], body: goodPatch))
            if type != "application/json" {
                cases.append(Case(method: .POST, path: "\(api)/product/find", headers: auth + [("Content-Type", type)], body: Array(#"{"iccidList":["1"]}"#.utf8)))
            }
        }
        // Odd ids and unicode.
        let oddIDs = [
            "%F0%9F%98%80", "%00", "..%2F..%2Fetc%2Fpasswd", "%25", "JASPER-", "-simCard", "%20", "caf%C3%A9", String(repeating: "9", count: 4000),
            "%E2%80%AE", "%FF%FE", "a%2Fb", "JASPER-1-simCard-simCard", "\(product)-SIMCARD", "\(product)%00-simCard",
        ]
        for id in oddIDs {
            cases.append(Case(method: .GET, path: "\(api)/product/\(id)", headers: auth, body: nil))
            cases.append(Case(method: .PATCH, path: "\(api)/product/\(id)", headers: patchHeaders, body: goodPatch))
            cases.append(Case(method: .GET, path: "\(api)/monitor/\(id)", headers: auth, body: nil))
        }
        // Bad queries.
        for query in ["pageSize=%ZZ", "pageSize=", "pageNumber=", "pageSize=9999999999999999999999", "pageNumber=-5", "pageSize=1.5", "pageSize=%F0%9F%98%80"] {
            cases.append(Case(method: .GET, path: "\(api)/product?\(query)", headers: auth, body: nil))
        }
        // Bad tokens.
        let badTokens = [
            "Bearer", "Bearer ", "bearer x", "Token \(token)", "Bearer \(token)x", "Bearer \(token.dropLast())", "Bearer a.b",
            "Bearer ....", "Bearer " + String(repeating: "A", count: 9000), "Basic Y21vLWRlbW86Y21vLWRlbW8tc2VjcmV0",
            "Bearer \u{00e9}t\u{00e9}", "Bearer null", "Bearer a.b.c.d",
        ]
        for value in badTokens {
            cases.append(Case(method: .GET, path: "\(api)/product", headers: [("Authorization", value)], body: nil))
            cases.append(Case(method: .PATCH, path: "\(api)/product/\(product)-simCard", headers: [("Authorization", value), ("Content-Type", "application/json-patch+json")], body: goodPatch))
        }
        // Unknown paths and tenants.
        for path in ["/", "/x", "/connection-management-orchestrator", "/connection-management-orchestrator/v5/", "\(api)", "\(api)/", "\(api)/products",
                     "\(api)/product/a/b", "/connection-management-orchestrator/v5/other/product", "/connection-management-orchestrator/v4/eos/product",
                     "/_sim/", "/_sim/nothing", "\(api)/monitor", "\(api)/monitor/"] {
            cases.append(Case(method: .GET, path: path, headers: auth, body: nil))
        }
        return cases
    }

    @Test func malformedRequestsGet4xxProblemBodiesOnly() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 50, seed: 3)) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.connectivityType == .cellular }.id
            let cases = Self.cases(token: token, product: product)
            #expect(cases.count >= 200)
            for testCase in cases {
                let result = try await h.send(testCase.method, h.sim.baseURL + testCase.path, headers: testCase.headers, body: testCase.body)
                #expect((400..<500).contains(result.status), "\(testCase) -> \(result.status)")
                #expect(result.isProblem, "\(testCase) -> \(result.status) \(result.text.prefix(200))")
                #expect(result.header("X-Correlation-Id") != nil, "\(testCase)")
            }
            // Nothing was changed by any of them, and the server still works.
            #expect(h.sim.appliedChanges.isEmpty)
            #expect(try await h.get("product/" + product, token: token).status == 200)
        }
    }

    @Test func malformedTokenRequestsGetOAuthErrors() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 5)) { h in
            let form = [("Content-Type", "application/x-www-form-urlencoded")]
            let requests: [(HTTPMethod, [(String, String)], String)] = [
                (.GET, [], ""), (.PUT, form, "grant_type=client_credentials"), (.POST, [], "grant_type=client_credentials"),
                (.POST, form, ""), (.POST, form, "%%%"), (.POST, form, "grant_type=refresh_token"),
                (.POST, form, "grant_type=client_credentials&client_id=%FF&client_secret=x"),
                (.POST, form + [("Authorization", "Basic !!!")], "grant_type=client_credentials"),
                (.POST, form + [("Authorization", "Basic \(Data("nocolon".utf8).base64EncodedString())")], "grant_type=client_credentials"),
                (.POST, form, "grant_type=client_credentials&client_id=cmo-demo&client_secret=" + String(repeating: "x", count: 100_000)),
            ]
            for (method, headers, body) in requests {
                let result = try await h.send(method, h.sim.authURL, headers: headers, body: Array(body.utf8))
                #expect((400..<500).contains(result.status), "\(method) \(headers) \(body.prefix(40)) -> \(result.status)")
                #expect(result.json["error"] is String, "\(result.text.prefix(200))")
            }
        }
    }
}

/// A tiny deterministic generator for fuzz sizes.
struct FuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
}
