import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// `PATCH product/{id}-simCard` over HTTP: synchronous and asynchronous backends, guards and refusals.
@Suite struct PatchTests {
    static let fast = SimulatorConfiguration(fleetSize: 200, seed: 7, asyncDelayMilliseconds: 50)

    @Test func synchronousBackendAnswers200WithTheUpdatedSubProduct() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" && $0.connectivityType == .cellular }
            let before = try await h.get("product/\(product.id)-simCard", token: token)
            let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(result.status == 200)
            try ShapeMatcher.expect(result.jsonValue, matches: TutorialFixtures.simCardShape(
                id: product.statusSubProductID, href: h.tenantURL + "/product/" + product.statusSubProductID, status: "ACTIVE", withCorrelation: true
            ))
            let dates = Self.characteristics(result)
            #expect(dates["dateUpdated"] != Self.characteristics(before)["dateUpdated"])
            #expect(dates["dateActivated"] == dates["dateUpdated"])
            #expect(h.sim.product(id: product.id)?.status == "ACTIVE")
            let bundle = try await h.get("product/" + product.id, token: token)
            #expect(bundle.json["status"] as? String == "ACTIVE")
            #expect(h.sim.appliedChanges[product.id] == 1)
        }
    }

    @Test func asynchronousBackendAnswers202WithAMonitorAndShowsPendingUntilDone() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { $0.backend == .tmsp && $0.status == "INACTIVE" }
            let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(result.status == 202)
            let monitorID = try #require(result.json["id"] as? String)
            #expect(monitorID.wholeMatch(of: /\d{19,20}-\d{13}/) != nil)
            #expect(monitorID.hasPrefix(product.identifier + "-"))
            #expect(result.header("Location") == h.tenantURL + "/monitor/" + monitorID)
            #expect(result.json["state"] as? String == "InProgress")
            #expect(result.json["sourceHref"] as? String == h.tenantURL + "/product/" + product.statusSubProductID)
            // Pending shows on the bundle and the sub-product until the monitor completes.
            let pending = try await h.get("product/" + product.id, token: token)
            let pendingStatus = pending.json["status"] as? String
            // Read after the GET: a monitor still in progress now was in progress while the GET was answered.
            let stateAfterGET = try #require(h.sim.monitorState(id: monitorID))
            if stateAfterGET == .inProgress {
                #expect(pendingStatus == "PENDING_ACTIVE")
            } else {
                // It may have completed before or after the GET was answered (50 ms after the PATCH).
                #expect(stateAfterGET == .completed)
                #expect(pendingStatus == "PENDING_ACTIVE" || pendingStatus == "ACTIVE")
            }
            let completed = try await h.waitForMonitor(monitorID, token: token)
            #expect(completed.json["state"] as? String == "Completed")
            let response = try #require(completed.json["response"] as? [String: Any])
            #expect(response["statusCode"] as? Int == 200)
            #expect((response["body"] as? [String: Any])?["status"] as? String == "ACTIVE")
            #expect(try await h.get("product/" + product.id, token: token).json["status"] as? String == "ACTIVE")
            #expect(h.sim.appliedChanges[product.id] == 1)
        }
    }

    @Test func pendingStatusIsVisibleWhileTheMonitorRuns() async throws {
        var configuration = Self.fast
        configuration.asyncDelayMilliseconds = 600_000
        try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            let product = try h.product { $0.backend == .tmsp && $0.status == "ACTIVE" }
            let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("SUSPENDED"), token: token)
            #expect(result.status == 202)
            #expect(try await h.get("product/" + product.id, token: token).json["status"] as? String == "PENDING_SUSPENDED")
            #expect(try await h.get("product/" + product.statusSubProductID, token: token).json["status"] as? String == "PENDING_SUSPENDED")
            let monitorID = try #require(result.json["id"] as? String)
            #expect(try await h.get("monitor/" + monitorID, token: token).json["state"] as? String == "InProgress")
            // A second change while the monitor runs is a conflict, and changes nothing.
            let second = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("INACTIVE"), token: token)
            #expect(second.status == 409)
            #expect(second.isProblem)
            #expect((second.json["detail"] as? String)?.contains(monitorID) == true)
            #expect(h.sim.product(id: product.id)?.status == "PENDING_SUSPENDED")
            #expect(h.sim.appliedChanges[product.id] == nil)
        }
    }

    @Test func failedTestAnswers409AndChangesNothing() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.status == "ACTIVE" }
            let body = #"[{"op":"test","path":"/status","value":"INACTIVE"},{"op":"replace","path":"/status","value":"SUSPENDED"}]"#
            let result = try await h.patch(product.statusSubProductID, body, token: token)
            #expect(result.status == 409)
            #expect(result.isProblem)
            #expect(h.sim.product(id: product.id)?.status == "ACTIVE")
            let guarded = #"[{"op":"test","path":"/status","value":"ACTIVE"},{"op":"replace","path":"/status","value":"SUSPENDED"}]"#
            #expect(try await h.patch(product.statusSubProductID, guarded, token: token).status == 200)
            #expect(h.sim.product(id: product.id)?.status == "SUSPENDED")
        }
    }

    @Test func forbiddenTransitionsAnswer422() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let blocked = try h.product { $0.status == "BLOCKED" }
            let result = try await h.patch(blocked.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(result.status == 422)
            #expect(result.isProblem)
            #expect(result.json["type"] as? String == "Unprocessable Entity")
            let inactive = try h.product { $0.status == "INACTIVE" }
            #expect(try await h.patch(inactive.statusSubProductID, SimulatorHarness.statusPatch("EXPLODED"), token: token).status == 422)
            #expect(try await h.patch(inactive.statusSubProductID, SimulatorHarness.statusPatch("PENDING_ACTIVE"), token: token).status == 422)
            #expect(h.sim.product(id: blocked.id)?.status == "BLOCKED")
            #expect(h.sim.product(id: inactive.id)?.status == "INACTIVE")
        }
    }

    @Test func sameStatusSucceedsAndChangesNothing() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { $0.isAsynchronous && $0.status == "ACTIVE" && $0.connectivityType == .cellular }
            let before = try await h.get("product/" + product.statusSubProductID, token: token)
            let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(result.status == 200)
            #expect(Self.characteristics(result) == Self.characteristics(before))
            #expect(h.sim.appliedChanges[product.id] == nil)
        }
    }

    @Test func simNotesAreWritableAndAppliedAtomicallyWithTheStatus() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
            let body = #"[{"op":"replace","path":"/simNotes","value":"plant 7"},{"op":"replace","path":"/status","value":"ACTIVE"}]"#
            let result = try await h.patch(product.statusSubProductID, body, token: token)
            #expect(result.status == 200)
            #expect(Self.characteristics(result)["simNotes"] == "plant 7")
            // All or nothing: a later bad op leaves the notes untouched.
            let half = #"[{"op":"replace","path":"/simNotes","value":"other"},{"op":"replace","path":"/status","value":"BOGUS"}]"#
            #expect(try await h.patch(product.statusSubProductID, half, token: token).status == 422)
            #expect(h.sim.product(id: product.id)?.simNotes == "plant 7")
            let readOnly = #"[{"op":"replace","path":"/simNotes","value":"x"},{"op":"replace","path":"/ICCID","value":"1"}]"#
            #expect(try await h.patch(product.statusSubProductID, readOnly, token: token).status == 400)
            #expect(h.sim.product(id: product.id)?.simNotes == "plant 7")
        }
    }

    @Test(arguments: [
        ("application/json", 415), ("text/plain", 415), ("application/json-patch-query+json", 400),
        ("application/json-patch+json; charset=utf-8", 200),
    ])
    func contentTypeMustBeJSONPatch(contentType: String, status: Int) async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let product = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
            let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: try await h.token(), contentType: contentType)
            #expect(result.status == status)
            if status != 200 {
                #expect(result.isProblem)
                #expect(h.sim.product(id: product.id)?.status == "INACTIVE")
            }
        }
    }

    @Test(arguments: [
        "not json", "{}", "[]", #"[{"op":"move","from":"/a","path":"/status"}]"#, #"[{"op":"replace","path":"status","value":"ACTIVE"}]"#,
        #"[{"op":"replace","path":"/id","value":"x"}]"#, #"[{"op":"replace","path":"/status","value":null}]"#,
    ])
    func malformedPatchesAnswer400(body: String) async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let product = try h.product { $0.status == "INACTIVE" }
            let result = try await h.patch(product.statusSubProductID, body, token: try await h.token())
            #expect(result.status == 400)
            #expect(result.isProblem)
            #expect(h.sim.product(id: product.id)?.status == "INACTIVE")
        }
    }

    @Test func patchOnTheBundleOrUsageIsNotAllowed() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { $0.connectivityType == .cellular }
            let bundle = try await h.patch(product.id, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(bundle.status == 405)
            #expect(bundle.header("Allow") == "GET")
            #expect(try await h.patch(product.id + "-usageVolume-data", SimulatorHarness.statusPatch("ACTIVE"), token: token).status == 405)
            #expect(try await h.patch("JASPER-404-simCard", SimulatorHarness.statusPatch("ACTIVE"), token: token).status == 404)
        }
    }

    @Test func satelliteTerminalsChangeThroughTheirMonitor() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { $0.connectivityType == .satellite && $0.status == "INACTIVE" }
            let result = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(result.status == 202)
            let monitorID = try #require(result.json["id"] as? String)
            #expect(monitorID.hasPrefix(product.identifier + "-"))
            #expect(try await h.waitForMonitor(monitorID, token: token).json["state"] as? String == "Completed")
            #expect(h.sim.product(id: product.id)?.status == "ACTIVE")
        }
    }

    @Test func simChangesCountsAppliedStatusChangesOnly() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
            _ = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            _ = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            _ = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("SUSPENDED"), token: token)
            _ = try await h.patch(product.statusSubProductID, #"[{"op":"replace","path":"/simNotes","value":"n"}]"#, token: token)
            let changes = try await h.send(.GET, h.sim.baseURL + "/_sim/changes")
            #expect(changes.status == 200)
            let counts = try #require(changes.jsonValue as? [String: Int])
            #expect(counts.count == h.sim.products.count)
            #expect(counts[product.id] == 2)
            #expect(counts.values.reduce(0, +) == 2)
            let health = try await h.send(.GET, h.sim.baseURL + "/_sim/health")
            #expect(health.json["status"] as? String == "UP")
        }
    }

    @Test func customPropertiesAreSetSynchronouslyWithJSONPatchQuery() async throws {
        try await SimulatorHarness.with(Self.fast) { h in
            let token = try await h.token()
            let product = try h.product { $0.backend == .tmsp && $0.status == "INACTIVE" }
            let add = #"[{"op":"add","path":"customProperty","value":{"name":"site","value":"Bonn"}},{"op":"add","path":"customProperty","value":{"name":"rack","value":"4"}}]"#
            let added = try await h.patch(product.statusSubProductID, add, token: token, contentType: "application/json-patch-query+json")
            #expect(added.status == 200)
            #expect(added.json["customProperty"] as? [[String: String]] == [["name": "site", "value": "Bonn"], ["name": "rack", "value": "4"]])
            let remove = #"[{"op":"remove","path":"customProperty","value":{"name":"site"}},{"op":"replace","path":"customProperty","value":{"name":"rack","value":"5"}}]"#
            let changed = try await h.patch(product.statusSubProductID, remove, token: token, contentType: "application/json-patch-query+json")
            #expect(changed.json["customProperty"] as? [[String: String]] == [["name": "rack", "value": "5"]])
            let bundle = try await h.get("product/" + product.id, token: token)
            let relationship = (bundle.json["productRelationship"] as? [[String: Any]])?.first?["product"] as? [String: Any]
            #expect(relationship?["customProperty"] as? [[String: String]] == [["name": "rack", "value": "5"]])
            // No status change, no monitor, no counted change.
            #expect(h.sim.product(id: product.id)?.status == "INACTIVE")
            #expect(h.sim.appliedChanges.isEmpty)
            let bad = try await h.patch(product.statusSubProductID, #"[{"op":"add","path":"customProperty","value":"x"}]"#, token: token, contentType: "application/json-patch-query+json")
            #expect(bad.status == 400)
            #expect(bad.isProblem)
        }
    }

    /// The sub-product's characteristics by name.
    static func characteristics(_ result: HTTPResult) -> [String: String] {
        let list = result.json["productCharacteristic"] as? [[String: String]] ?? []
        return Dictionary(list.compactMap { item in item["name"].map { ($0, item["value"] ?? "") } }, uniquingKeysWith: { a, _ in a })
    }
}
