import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// The token endpoint and the checks every API call goes through.
@Suite struct AuthTests {
    static let readOnly = SimulatorClient(id: "reader", secret: "r-secret", access: .readOnly)
    static let otherTenant = SimulatorClient(id: "acme-client", secret: "a-secret", access: .readWrite, tenants: ["acme"])

    static var configuration: SimulatorConfiguration {
        SimulatorConfiguration(tenants: ["eos", "acme"], clients: [.demo, readOnly, otherTenant], fleetSize: 50, seed: 3)
    }

    @Test func formCredentialsGetAKeycloakShapedToken() async throws {
        try await SimulatorHarness.with(Self.configuration) { h in
            let form = "grant_type=client_credentials&client_id=cmo-demo&client_secret=cmo-demo-secret&scope=openid"
            let result = try await h.send(.POST, h.sim.authURL, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
            #expect(result.status == 200)
            let body = result.json
            #expect(body["expires_in"] as? Int == 300)
            #expect(body["refresh_expires_in"] as? Int == 0)
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["not-before-policy"] as? Int == 0)
            #expect((body["scope"] as? String)?.split(separator: " ").contains("openid") == true)
            #expect((body["id_token"] as? String)?.split(separator: ".").count == 3)
            let token = try #require(body["access_token"] as? String)
            let claims = try Self.claims(of: token)
            #expect(claims["tenants"] as? [String] == ["eos", "acme"])
            #expect(claims["clientId"] as? String == "cmo-demo")
            #expect(claims["azp"] as? String == "cmo-demo")
            #expect(claims["iss"] as? String == h.sim.baseURL + "/auth/realms/cmo")
            let roles = (claims["realm_access"] as? [String: Any])?["roles"] as? [String]
            #expect(roles?.contains("rw%connection-management-orchestrator") == true)
            let iat = try #require(claims["iat"] as? Int)
            #expect(claims["exp"] as? Int == iat + 300)
        }
    }

    @Test func basicCredentialsWorkToo() async throws {
        try await SimulatorHarness.with(Self.configuration) { h in
            let basic = Data("reader:r-secret".utf8).base64EncodedString()
            let result = try await h.send(
                .POST, h.sim.authURL,
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(basic)")],
                body: Array("grant_type=client_credentials".utf8)
            )
            #expect(result.status == 200)
            let claims = try Self.claims(of: try #require(result.json["access_token"] as? String))
            let roles = (claims["realm_access"] as? [String: Any])?["roles"] as? [String]
            #expect(roles == ["ro%connection-management-orchestrator"])
            #expect(result.json["id_token"] == nil)
        }
    }

    @Test(arguments: [
        "grant_type=client_credentials&client_id=cmo-demo&client_secret=wrong",
        "grant_type=client_credentials&client_id=nobody&client_secret=cmo-demo-secret",
        "grant_type=client_credentials",
    ])
    func badCredentialsAnswerInvalidClient(form: String) async throws {
        try await SimulatorHarness.with(Self.configuration) { h in
            let result = try await h.send(.POST, h.sim.authURL, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
            #expect(result.status == 401)
            #expect(result.json["error"] as? String == "invalid_client")
            #expect(result.json["error_description"] is String)
        }
    }

    @Test func wrongGrantAndContentTypeAreOAuthErrors() async throws {
        try await SimulatorHarness.with(Self.configuration) { h in
            let grant = try await h.send(.POST, h.sim.authURL, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("grant_type=password".utf8))
            #expect(grant.status == 400)
            #expect(grant.json["error"] as? String == "unsupported_grant_type")
            let json = try await h.send(.POST, h.sim.authURL, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
            #expect(json.status == 400)
            #expect(json.json["error"] as? String == "invalid_request")
            let wrongRealm = try await h.send(.POST, h.sim.baseURL + "/auth/realms/other/protocol/openid-connect/token", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("grant_type=client_credentials".utf8))
            #expect(wrongRealm.status == 404)
        }
    }

    @Test(arguments: [
        [] as [(String, String)],
        [("Authorization", "Bearer")],
        [("Authorization", "Basic Y21vLWRlbW86Y21vLWRlbW8tc2VjcmV0")],
        [("Authorization", "Bearer not-a-jwt")],
        [("Authorization", "Bearer aaa.bbb.ccc")],
    ])
    func missingMalformedOrUnknownTokensAnswer401(headers: [(String, String)]) async throws {
        try await SimulatorHarness.with(Self.configuration) { h in
            let result = try await h.send(.GET, h.tenantURL + "/product", headers: headers)
            #expect(result.status == 401)
            #expect(result.isProblem)
            #expect(result.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(result.header("X-Correlation-Id") != nil)
        }
    }

    @Test func expiredTokensAnswer401() async throws {
        var configuration = Self.configuration
        configuration.tokenTTL = 3
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            #expect(try await h.get("product", token: token).status == 200)
            var status = 200
            for _ in 0..<200 where status == 200 {
                try await Task.sleep(for: .milliseconds(50))
                status = try await h.get("product", token: token).status
            }
            let result = try await h.get("product", token: token)
            #expect(result.status == 401)
            #expect((result.json["detail"] as? String)?.contains("expired") == true)
        }
    }

    @Test func tenantNotInTheTokenAnswers403() async throws {
        try await SimulatorHarness.with(Self.configuration) { h in
            let token = try await h.token(Self.otherTenant)
            let result = try await h.get("product", token: token)
            #expect(result.status == 403)
            #expect(result.isProblem)
            let own = try await h.send(.GET, h.sim.apiURL + "/acme/product", headers: [("Authorization", "Bearer \(token)")])
            #expect(own.status == 200)
        }
    }

    @Test func readOnlyTokenCannotPatch() async throws {
        try await SimulatorHarness.with(Self.configuration) { h in
            let token = try await h.token(Self.readOnly)
            let product = try h.product { $0.status == "INACTIVE" }
            #expect(try await h.get("product/" + product.id, token: token).status == 200)
            let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(result.status == 403)
            #expect(result.isProblem)
            #expect(h.sim.product(id: product.id)?.status == "INACTIVE")
        }
    }

    /// Decodes the payload of a JWT-shaped token.
    static func claims(of token: String) throws -> [String: Any] {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(segments.count == 3)
        var base64 = segments[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
