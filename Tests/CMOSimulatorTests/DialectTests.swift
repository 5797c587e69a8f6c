import CMOClient
import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// The real API's dialects (issue 11): per-backend transitions and limits, satellite terminals, usage buckets,
/// Jasper's writable characteristics, the paginated find, 400 `errors`, quotas and the token endpoint's refusal.
@Suite struct DialectTests {
    static let fleet = SimulatorConfiguration(fleetSize: 400, seed: 7)

    @Test func refusedTransitionIs422NamingTheAllowedOnesAndUnknownStatusSaysWhose() async throws {
        try await SimulatorHarness.with(Self.fleet) { h in
            let token = try await h.token()
            let tmus = try h.product { $0.backend == .tmus && $0.status == "INACTIVE" }
            let refused = try await h.patch(tmus.statusSubProductID, SimulatorHarness.statusPatch("SUSPENDED"), token: token)
            #expect(refused.status == 422 && refused.isProblem)
            #expect(refused.json["detail"] as? String == "the status cannot change from INACTIVE to SUSPENDED (allowed: ACTIVE)")
            let oneNCE = try h.product { $0.backend == .oneNCE && $0.status == "ACTIVE" }
            let unknown = try await h.patch(oneNCE.statusSubProductID, SimulatorHarness.statusPatch("INACTIVE"), token: token)
            #expect(unknown.status == 422 && unknown.isProblem)
            #expect(unknown.json["detail"] as? String == "'INACTIVE' is not a status of 1NCE (its statuses: ACTIVE, SUSPENDED).")
            #expect(h.sim.product(id: oneNCE.id)?.status == "ACTIVE")
        }
    }

    @Test func satelliteTerminalHasTheDocumentedCharacteristics() async throws {
        try await SimulatorHarness.with(Self.fleet) { h in
            let token = try await h.token()
            for backend in [Backend.intelsat, .galaxy1] {
                let product = try h.product { $0.backend == backend }
                #expect(product.connectivityType == .satellite)
                let bundle = try await h.get("product/" + product.id, token: token)
                #expect(bundle.json["system"] as? String == backend.rawValue)
                #expect(bundle.json["account_index"] is Int)
                #expect(bundle.json["isCustomerVisible"] as? Bool == true)
                #expect((bundle.json["name"] as? String)?.isEmpty == false)
                #expect(bundle.text.contains(#""connectivityType":"SATELLITE","system":"\#(backend.rawValue)","account_index":"#))
                let terminal = try await h.get("product/\(product.id)-terminal", token: token)
                let characteristics = try #require(terminal.json["productCharacteristic"] as? [[String: String]])
                #expect(characteristics.map { $0["name"] ?? "" } == [
                    "serialNumber", "name", "latitude", "longitude", "model", "state", "mobilityType", "imoNumber", "mmsi",
                    "antennaCode", "lastUpdated", "lastSync", "simNotes",
                ])
                #expect(characteristics.first?["value"] == product.identifier)
                #expect(characteristics[1]["value"] == bundle.json["name"] as? String)
                #expect(!terminal.text.contains("terminalSN") && !terminal.text.contains("terminalType"))
            }
            // Cellular bundles carry none of the satellite members.
            let cellular = try await h.get("product/" + (try h.product { $0.connectivityType == .cellular }).id, token: token)
            #expect(cellular.json["system"] == nil && cellular.json["account_index"] == nil && cellular.json["name"] == nil)
        }
    }

    @Test func satelliteStatusChangeMovesLastUpdated() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 400, seed: 7, asyncDelayMilliseconds: 10)) { h in
            let token = try await h.token()
            let product = try h.product { $0.connectivityType == .satellite && $0.status == "ACTIVE" }
            let accepted = try await h.patch(product.statusSubProductID, SimulatorHarness.statusPatch("SUSPENDED"), token: token)
            #expect(accepted.status == 202)
            let done = try await h.waitForMonitor(try #require(accepted.json["id"] as? String), token: token)
            #expect(done.json["state"] as? String == "Completed")
            let terminal = try await h.get("product/" + product.statusSubProductID, token: token)
            let names = (terminal.json["productCharacteristic"] as? [[String: String]])?.map { $0["name"] ?? "" } ?? []
            #expect(!names.contains("dateUpdated") && !names.contains("dateActivated"))
            #expect(terminal.json["status"] as? String == "SUSPENDED")
        }
    }

    @Test func usageBucketsPerBackend() async throws {
        try await SimulatorHarness.with(Self.fleet) { h in
            let token = try await h.token()
            let tmsp = try h.product { $0.backend == .tmsp && $0.status == "ACTIVE" }
            let usage = try await h.get("product/\(tmsp.id)-usageVolume-data", token: token)
            #expect(usage.json["usageType"] as? String == "DATA" && usage.json["isShared"] as? Bool == false)
            let buckets = try #require(usage.json["bucketCounter"] as? [[String: Any]])
            #expect(buckets.map { $0["valueName"] as? String ?? "" } == [
                "dataUsage", "dataLimit", "smsUsage", "voiceUsage", "dataUsageLastDay", "smsUsageLastDay", "voiceUsageLastDay",
            ])
            #expect(buckets.map { "\($0["usageType"] ?? "")/\($0["counterType"] ?? "")/\($0["periodType"] ?? "")" } == [
                "DATA/USED/BILLING_PERIOD", "DATA/LIMIT/BILLING_PERIOD", "SMS/USED/BILLING_PERIOD", "VOICE/USED/BILLING_PERIOD",
                "DATA/USED/LAST_DAY", "SMS/USED/LAST_DAY", "VOICE/USED/LAST_DAY",
            ])
            let values = buckets.map { $0["value"] as? String ?? "" }
            #expect(values[0].wholeMatch(of: /\d+\.\d{6} KB/) != nil, "\(values[0])")
            #expect(values[2].wholeMatch(of: /\d+ SMS/) != nil && values[3].wholeMatch(of: /\d+ SECONDS/) != nil)
            #expect(usage.text.contains(#"{"valueName":"dataUsage","usageType":"DATA","counterType":"USED","periodType":"BILLING_PERIOD","value":""#))
            let period = try #require(buckets[0]["consumptionPeriod"] as? [String: String])
            let lastDay = try #require(buckets[4]["consumptionPeriod"] as? [String: String])
            #expect(lastDay["endDateTime"] == period["endDateTime"] && lastDay["startDateTime"] != period["startDateTime"])

            let jasper = try h.product { $0.backend == .jasper && $0.status == "ACTIVE" }
            let other = try await h.get("product/\(jasper.id)-usageVolume-data", token: token)
            let only = try #require(other.json["bucketCounter"] as? [[String: Any]])
            #expect(only.count == 1)
            #expect((only.first?["value"] as? [String: Any])?["units"] as? String == "KB")
            #expect((only.first?["value"] as? [String: Any])?["amount"] != nil)
            #expect(other.text.range(of: #""amount":\d+\.\d{6},"units":"KB""#, options: .regularExpression) != nil)
        }
    }

    @Test func usageIsRealisticAndSeeded() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 1000, seed: 3)) { h in
            let token = try await h.token()
            var amounts: [Double] = []
            for product in h.sim.products.filter({ $0.status == "ACTIVE" && $0.connectivityType == .cellular && $0.backend != .tmsp && $0.backend != .oneNCE }).prefix(150) {
                let usage = try await h.get("product/\(product.id)-usageVolume-data", token: token)
                // Read from the text: JSONSerialization may not give six-decimal numbers back as an NSNumber.
                let amount = usage.text.firstMatch(of: /"amount":(\d+\.\d{6}),"units":"KB"/).map { String($0.output.1) }
                amounts.append(amount.flatMap(Double.init) ?? -1)
            }
            #expect(amounts.allSatisfy { $0 >= 0 })
            #expect(amounts.contains { $0 > 1_048_576 }, "some SIMs use over 1 GB")
            #expect(amounts.filter { $0 < 10_240 }.count > amounts.count / 4, "many use little")
        }
    }

    @Test func jasperCharacteristicsArePatchableOverHTTPAndRefusedElsewhere() async throws {
        try await SimulatorHarness.with(Self.fleet) { h in
            let token = try await h.token()
            let jasper = try h.product { $0.backend == .jasper && $0.status == "ACTIVE" }
            let body = #"""
                [{"op":"test","path":"/modemId","value":""},{"op":"replace","path":"/communicationPlan","value":"CP Europe"},
                 {"op":"replace","path":"/modemId","value":"M-17"},{"op":"replace","path":"/productOffering","value":"IoT Flex 10MB"}]
                """#
            let changed = try await h.patch(jasper.statusSubProductID, body, token: token)
            #expect(changed.status == 200)
            let characteristics = (changed.json["productCharacteristic"] as? [[String: String]]) ?? []
            #expect(characteristics.suffix(2) == [["name": "communicationPlan", "value": "CP Europe"], ["name": "modemId", "value": "M-17"]])
            let bundle = try await h.get("product/" + jasper.id, token: token)
            #expect((bundle.json["productOffering"] as? [String: String])?["name"] == "IoT Flex 10MB")
            let test = try await h.patch(jasper.statusSubProductID, #"[{"op":"test","path":"/communicationPlan","value":"other"}]"#, token: token)
            #expect(test.status == 409)

            let tmus = try h.product { $0.backend == .tmus && $0.status == "ACTIVE" }
            let refused = try await h.patch(tmus.statusSubProductID, #"[{"op":"replace","path":"/communicationPlan","value":"CP"}]"#, token: token)
            #expect(refused.status == 422 && refused.isProblem)
            #expect(refused.json["detail"] as? String == "Operation 0: TMUS does not allow changing communicationPlan (JASPER only).")
        }
    }

    func find(_ h: SimulatorHarness, _ body: String, query: String = "", token: String) async throws -> HTTPResult {
        try await h.send(
            .POST, h.tenantURL + "/product/find" + query,
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")], body: Array(body.utf8)
        )
    }

    @Test func findIsPaginatedAndReportsMissesOnPageOne() async throws {
        try await SimulatorHarness.with(Self.fleet) { h in
            let token = try await h.token()
            let cellular = h.sim.products.filter { $0.connectivityType == .cellular }.prefix(25).map(\.identifier)
            let list = (cellular + ["8949000000000000000"]).map { "\"\($0)\"" }.joined(separator: ",")
            let body = #"{"iccidList":[\#(list)]}"#
            var ids: [String] = []
            for page in 1...4 {
                let result = try await find(h, body, query: "?pageNumber=\(page)&pageSize=10", token: token)
                #expect(result.status == 200)
                let entities = try #require(result.json["entities"] as? [[String: Any]])
                #expect(entities.count == [10, 10, 5, 0][page - 1])
                ids += entities.compactMap { $0["id"] as? String }
                #expect((result.json["errors"] as? [Any])?.count == (page == 1 ? 1 : 0))
                #expect(result.json["statistics"] as? [String: Int] == ["currentPage": page, "pageSize": 10])
                #expect(result.text.hasSuffix(#""statistics":{"currentPage":\#(page),"pageSize":10},"correlationId":"\#(result.header("X-Correlation-Id") ?? "")"}"#))
            }
            #expect(ids == h.sim.products.filter { $0.connectivityType == .cellular }.prefix(25).map(\.id))
            // The default page size is the list's.
            let first = try await find(h, body, token: token)
            #expect((first.json["entities"] as? [Any])?.count == 10)
            let tooBig = try await find(h, body, query: "?pageSize=101", token: token)
            #expect(tooBig.status == 400 && tooBig.isProblem)
        }
    }

    @Test func badRequestsListEveryValidationProblem() async throws {
        try await SimulatorHarness.with(Self.fleet) { h in
            let token = try await h.token()
            let product = try h.product { $0.connectivityType == .cellular }
            let patch = #"[{"op":"replace","path":"/status","value":5},{"op":"replace","path":"/ICCID","value":"1"},{"op":"test","path":"/status","value":"ACTIVE"}]"#
            let result = try await h.patch(product.statusSubProductID, patch, token: token)
            #expect(result.status == 400 && result.isProblem)
            let errors = try #require(result.json["errors"] as? [[String: String]])
            #expect(errors.map { $0["path"] } == ["/0", "/1"])
            #expect(errors[0]["message"]?.contains("must be a string") == true && errors[1]["message"]?.contains("read-only") == true)
            #expect(result.json["detail"] as? String == "2 operations are invalid: \(errors[0]["message"] ?? "") (and 1 more)")

            let paging = try await h.get("product?pageSize=1000&pageNumber=0", token: token)
            #expect(paging.status == 400 && paging.isProblem)
            let pagingErrors = try #require(paging.json["errors"] as? [[String: String]])
            #expect(pagingErrors.map { $0["field"] } == ["pageSize", "pageNumber"])
            let one = try await h.get("product?pageSize=ten", token: token)
            #expect(one.json["errors"] as? [[String: String]] == [["field": "pageSize", "message": "pageSize must be an integer of at least 1, got 'ten'."]])
            #expect(one.json["detail"] as? String == "pageSize must be an integer of at least 1, got 'ten'.")
            // Other problems have no errors member.
            let missing = try await h.get("product/JASPER-0000", token: token)
            #expect(missing.status == 404 && missing.json["errors"] == nil)
        }
    }

    @Test func oneNCEIsLimitedToTenRequestsPerSecondPerOrganisation() async throws {
        try await SimulatorHarness.with(Self.fleet) { h in
            let token = try await h.token()
            let oneNCE = try h.product { $0.backend == .oneNCE }
            // 40 reads at once: more than the bucket's 10 plus what it refills however slow this machine is.
            let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<40 { group.addTask { try await h.get("product/" + oneNCE.id, token: token) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count { $0.status == 200 } >= 10)
            #expect(results.allSatisfy { $0.status == 200 || $0.status == 429 })
            let answer = try #require(results.first { $0.status == 429 })
            #expect(answer.isProblem)
            #expect(answer.header("Retry-After").flatMap(Int.init).map { $0 >= 1 } == true)
            #expect(answer.header("X-Rate-Limit-Limit") == "10")
            #expect(answer.header("X-Rate-Limit-Remaining") == "0")
            #expect(answer.header("X-Rate-Limit-Reset") != nil)
            #expect((answer.json["detail"] as? String)?.contains("1NCE") == true)
            // Other backends are not held back by 1NCE's limit.
            let jasper = try h.product { $0.backend == .jasper }
            for _ in 0..<20 { #expect(try await h.get("product/" + jasper.id, token: token).status == 200) }
            // A 1NCE answer within the limit says how much is left.
            try await Task.sleep(for: .milliseconds(1100))
            let fresh = try await h.get("product/" + oneNCE.id, token: token)
            #expect(fresh.status == 200 && fresh.header("X-Rate-Limit-Limit") == "10")
        }
    }

    @Test func aBackendsCatalogueChangesTheLimitAndTheMode() async throws {
        var catalogue = BackendCatalogue.standard
        catalogue.profiles["1NCE"]?.requestsPerSecond = nil
        catalogue.profiles["JASPER"]?.isAsynchronous = true
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 400, seed: 7, backends: catalogue)) { h in
            let token = try await h.token()
            let oneNCE = try h.product { $0.backend == .oneNCE }
            for _ in 0..<25 { #expect(try await h.get("product/" + oneNCE.id, token: token).status == 200) }
            let jasper = try h.product { $0.backend == .jasper && $0.status == "INACTIVE" }
            #expect(jasper.isAsynchronous)
            #expect(try await h.patch(jasper.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token).status == 202)
        }
    }

    @Test func quotaAnswers429WithRetryAfterUpToAnHour() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 50, seed: 7, quotaPerHour: 5)) { h in
            let token = try await h.token()
            for index in 0..<5 {
                let result = try await h.get("product?fields=id", token: token)
                #expect(result.status == 200)
                #expect(result.header("X-Rate-Limit-Remaining") == String(4 - index))
            }
            let refused = try await h.get("product?fields=id", token: token)
            #expect(refused.status == 429 && refused.isProblem)
            let retryAfter = try #require(refused.header("Retry-After").flatMap(Int.init))
            #expect((3500...3600).contains(retryAfter))
            #expect(refused.header("X-Rate-Limit-Limit") == "5")
            #expect((refused.json["detail"] as? String)?.hasPrefix("Rate Limit Exceeded: try a new request after 1 hour") == true)
        }
    }

    @Test func wrongSecretIsKeycloaksInvalidClient() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 5, seed: 1)) { h in
            let form = "grant_type=client_credentials&client_id=\(h.sim.defaultClient.id)&client_secret=wrong"
            let result = try await h.send(.POST, h.sim.authURL, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
            #expect(result.status == 401)
            #expect(result.text == #"{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}"#)
        }
    }
}
