import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// `GET product/{id}`, its sub-products, and `POST product/find`.
@Suite struct ProductTests {
    @Test func bundleHasTheTutorialShape() async throws {
        try await SimulatorHarness.with { h in
            let product = try h.product { $0.backend == .jasper }
            let result = try await h.get("product/" + product.id, token: try await h.token())
            #expect(result.status == 200)
            try ShapeMatcher.expect(result.jsonValue, matches: TutorialFixtures.bundleShape(
                id: product.id, href: h.tenantURL + "/product/" + product.id, system: "JASPER", connectivity: "CELLULAR"
            ))
            #expect(result.json["correlationId"] as? String == result.header("X-Correlation-Id"))
        }
    }

    @Test func satelliteBundleHoldsTerminalAndUsage() async throws {
        try await SimulatorHarness.with { h in
            let product = try h.product { $0.connectivityType == .satellite }
            let result = try await h.get("product/" + product.id, token: try await h.token())
            let relationships = try #require(result.json["productRelationship"] as? [[String: Any]])
            let ids = relationships.compactMap { ($0["product"] as? [String: Any])?["id"] as? String }
            #expect(ids == [product.id + "-terminal", product.id + "-usageVolume-data"])
            #expect(product.statusSubProductID == product.id + "-terminal")
        }
    }

    @Test func subProductsAreServedOnTheirOwn() async throws {
        try await SimulatorHarness.with { h in
            let token = try await h.token()
            let product = try h.product { $0.connectivityType == .cellular && $0.backend != .tmsp }
            let sim = try await h.get("product/\(product.id)-simCard", token: token)
            try ShapeMatcher.expect(sim.jsonValue, matches: TutorialFixtures.simCardShape(
                id: product.id + "-simCard", href: h.tenantURL + "/product/\(product.id)-simCard", status: product.status, withCorrelation: true
            ))
            let data = try await h.get("product/\(product.id)-dataConnectivity", token: token)
            #expect(data.json["@type"] as? String == "dataConnectivity")
            let usage = try await h.get("product/\(product.id)-usageVolume-data", token: token)
            #expect(usage.json["usageType"] as? String == "DATA")
            let counter = try #require((usage.json["bucketCounter"] as? [[String: Any]])?.first)
            #expect((counter["value"] as? [String: Any])?["units"] as? String == "KB")
            #expect(counter["counterType"] as? String == "USED")
            #expect(try await h.get("product/\(product.id)-terminal", token: token).status == 404)
        }
    }

    @Test func unknownProductIs404Problem() async throws {
        try await SimulatorHarness.with { h in
            let result = try await h.get("product/JASPER-0000", token: try await h.token())
            #expect(result.status == 404)
            #expect(result.isProblem)
            #expect(result.json["type"] as? String == "Not Found")
            #expect(result.json["instance"] as? String == "/connection-management-orchestrator/v5/eos/product/JASPER-0000")
        }
    }

    @Test func findAnswersHitsAndErrorsForMisses() async throws {
        try await SimulatorHarness.with { h in
            let cellular = try h.product { $0.connectivityType == .cellular }
            let satellite = try h.product { $0.connectivityType == .satellite }
            let body = #"{"iccidList":["\#(cellular.identifier)","8949000000000000000"],"terminalSNList":["\#(satellite.identifier)","29999999x"]}"#
            let result = try await h.send(
                .POST, h.tenantURL + "/product/find",
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(try await h.token())")], body: Array(body.utf8)
            )
            #expect(result.status == 200)
            let entities = try #require(result.json["entities"] as? [[String: Any]])
            #expect(entities.compactMap { $0["id"] as? String } == [cellular.id, satellite.id])
            let errors = try #require(result.json["errors"] as? [[String: Any]])
            #expect(errors.count == 2)
            #expect(errors[0]["iccid"] as? String == "8949000000000000000")
            #expect(errors[0]["status"] as? Int == 404)
            #expect(errors[1]["terminalSN"] as? String == "29999999x")
            #expect(result.json["correlationId"] is String)
        }
    }

    @Test(arguments: [#"{}"#, #"{"iccidList":"89"}"#, #"{"iccidList":[1]}"#, "[]", "nope"])
    func findRejectsBadBodies(body: String) async throws {
        try await SimulatorHarness.with { h in
            let result = try await h.send(
                .POST, h.tenantURL + "/product/find",
                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(try await h.token())")], body: Array(body.utf8)
            )
            #expect(result.status == 400)
            #expect(result.isProblem)
        }
    }

    @Test func correlationIdIsEchoedWhenTheClientSendsOne() async throws {
        try await SimulatorHarness.with { h in
            let product = try h.product { _ in true }
            let result = try await h.send(
                .GET, h.tenantURL + "/product/" + product.id,
                headers: [("Authorization", "Bearer \(try await h.token())"), ("X-Correlation-Id", "abc-123")]
            )
            #expect(result.header("X-Correlation-Id") == "abc-123")
            #expect(result.json["correlationId"] as? String == "abc-123")
        }
    }

    @Test func sameSeedServesTheSameFleet() async throws {
        func listing() async throws -> String {
            try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 40, seed: 99)) { h in
                let result = try await h.get("product?pageSize=40", token: try await h.token())
                // Links carry the port and the correlation id differs; everything else must be identical.
                return result.text.replacingOccurrences(of: "127.0.0.1:\(h.sim.port)", with: "HOST")
                    .replacingOccurrences(of: result.header("X-Correlation-Id") ?? "-", with: "UUID")
            }
        }
        let first = try await listing()
        #expect(first.contains("HOST") && first.contains("UUID"))
        #expect(try await listing() == first)
    }
}
