import CMOSimulator
import NIOHTTP1
import Testing

/// `GET monitor/{id}`: shape, completion, and changes that end `InError`.
@Suite struct MonitorTests {
    @Test func monitorEndsInErrorWithAReasonAndTheProductReturnsToItsFormerStatus() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 200, seed: 7, asyncDelayMilliseconds: 30, inErrorRate: 1)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            let product = try h.product { $0.backend == .tmsp && $0.status == "SUSPENDED" }
            let accepted = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(accepted.status == 202)
            let monitorID = try #require(accepted.json["id"] as? String)
            let done = try await h.waitForMonitor(monitorID, token: token)
            #expect(done.json["state"] as? String == "InError")
            #expect((done.json["reason"] as? String)?.isEmpty == false)
            let response = try #require(done.json["response"] as? [String: Any])
            #expect(response["statusCode"] as? Int == 502)
            #expect(try await h.get("product/" + product.id, token: token).json["status"] as? String == "SUSPENDED")
            #expect(h.sim.appliedChanges[product.id] == nil)
            // After an error, the product can be changed again.
            #expect(try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token).status == 202)
        }
    }

    @Test func inErrorShareIsSeededAndPartial() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 400, seed: 5, asyncDelayMilliseconds: 0, inErrorRate: 0.5)
        let outcomes = try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            var states: [String] = []
            for product in h.sim.products.filter({ $0.isAsynchronous && $0.status == "INACTIVE" }).prefix(30) {
                let accepted = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
                let monitorID = try #require(accepted.json["id"] as? String)
                states.append(try await h.waitForMonitor(monitorID, token: token).json["state"] as? String ?? "")
            }
            return states
        }
        #expect(outcomes.contains("InError"))
        #expect(outcomes.contains("Completed"))
    }

    @Test func unknownMonitorIs404AndMonitorAcceptsOnlyGET() async throws {
        try await SimulatorHarness.with { h in
            let token = try await h.token()
            let missing = try await h.get("monitor/8949-1700000000000", token: token)
            #expect(missing.status == 404)
            #expect(missing.isProblem)
            let post = try await h.send(.POST, h.tenantURL + "/monitor/x", headers: [("Authorization", "Bearer \(token)")])
            #expect(post.status == 405)
            #expect(post.isProblem)
        }
    }

    @Test func acceptedChangeReturnsTheTutorialMonitorShape() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 200, seed: 7, asyncDelayMilliseconds: 600_000)
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            let product = try h.product { $0.backend == .tmsp && $0.status == "INACTIVE" }
            let accepted = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            let monitorID = try #require(accepted.json["id"] as? String)
            let shape = TutorialFixtures.monitorShape(
                id: monitorID, href: h.tenantURL + "/monitor/" + monitorID,
                sourceHref: h.tenantURL + "/product/" + product.statusSubProductID, state: "InProgress"
            )
            try ShapeMatcher.expect(accepted.jsonValue, matches: shape)
            try ShapeMatcher.expect(try await h.get("monitor/" + monitorID, token: token).jsonValue, matches: shape)
        }
    }
}
