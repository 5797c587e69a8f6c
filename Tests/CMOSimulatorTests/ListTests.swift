import CMOSimulator
import NIOHTTP1
import Testing

/// `GET product` with `fields`, paging and the simulator's filters.
@Suite struct ListTests {
    @Test func envelopeHasEntitiesStatisticsLinksAndCorrelationId() async throws {
        try await SimulatorHarness.with { h in
            let token = try await h.token()
            let result = try await h.get("product?fields=id,status&pageNumber=1&pageSize=10", token: token)
            #expect(result.status == 200)
            let body = result.json
            #expect(Set(body.keys) == ["entities", "statistics", "links", "correlationId"])
            let entities = try #require(body["entities"] as? [[String: Any]])
            #expect(entities.count == 10)
            #expect(entities.allSatisfy { Set($0.keys) == ["id", "status"] })
            #expect(entities.map { $0["id"] as? String } == h.sim.products.prefix(10).map(\.id))
            let statistics = try #require(body["statistics"] as? [String: Int])
            #expect(statistics == ["currentPage": 1, "pageSize": 10])
            let links = try #require(body["links"] as? [[String: String]])
            #expect(links == [["type": "self", "url": h.tenantURL + "/product?fields=id,status&pageNumber=1&pageSize=10"]])
            #expect(body["correlationId"] as? String == result.header("X-Correlation-Id"))
        }
    }

    @Test func projectionKeepsTheRequestedOrder() async throws {
        try await SimulatorHarness.with { h in
            let result = try await h.get("product?fields=id,connectivityType,status&pageSize=3", token: try await h.token())
            #expect(result.text.hasPrefix(#"{"entities":[{"id":""#))
            let entity = try #require((result.json["entities"] as? [[String: Any]])?.first)
            #expect(Set(entity.keys) == ["id", "connectivityType", "status"])
            #expect(result.text.contains(#"","connectivityType":""#))
        }
    }

    @Test func withoutFieldsEntitiesAreSummaries() async throws {
        try await SimulatorHarness.with { h in
            let products = h.sim.products
            let cellular = try #require(products.firstIndex { $0.connectivityType == .cellular })
            let satellite = try #require(products.firstIndex { $0.connectivityType == .satellite })
            let result = try await h.get("product?pageSize=100", token: try await h.token())
            let entities = try #require(result.json["entities"] as? [[String: Any]])
            #expect(entities.count == 100)
            for index in [cellular, satellite] {
                let product = products[index]
                let identifierKey = product.connectivityType == .cellular ? "ICCID" : "serialNumber"
                try ShapeMatcher.expect(entities[index], matches: """
                    {"id": "\(product.id)", "href": "\(h.tenantURL)/product/\(product.id)", "status": "\(product.status)",
                     "connectivityType": "\(product.connectivityType.rawValue)",
                     "relatedParty": [{"id": "<digits>", "name": "<string>", "role": "customer"}],
                     "\(identifierKey)": "\(product.identifier)", "system": "\(product.backend.rawValue)"}
                    """)
            }
            // The members come in this order.
            let first = products[0]
            #expect(result.text.hasPrefix(#"{"entities":[{"id":"\#(first.id)","href":""#))
            #expect(result.text.contains(#"}],"\#(first.connectivityType == .cellular ? "ICCID" : "serialNumber")":"\#(first.identifier)","system":"\#(first.backend.rawValue)"}"#))
        }
    }

    @Test func pagesCoverTheFleetOnceAndAPagePastTheEndIsEmpty() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 95, seed: 9)) { h in
            let token = try await h.token()
            var ids: [String] = []
            for page in 1...5 {
                let result = try await h.get("product?fields=id&pageNumber=\(page)&pageSize=20", token: token)
                #expect(result.status == 200)
                let entities = try #require(result.json["entities"] as? [[String: Any]])
                #expect(entities.count == (page == 5 ? 15 : 20))
                ids += entities.compactMap { $0["id"] as? String }
            }
            #expect(ids == h.sim.products.map(\.id))
            let past = try await h.get("product?fields=id&pageNumber=6&pageSize=20", token: token)
            #expect(past.status == 200)
            #expect((past.json["entities"] as? [Any])?.isEmpty == true)
            let far = try await h.get("product?pageNumber=999999999999&pageSize=100", token: token)
            #expect((far.json["entities"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: ["pageSize=101", "pageSize=0", "pageSize=-1", "pageSize=ten", "pageNumber=0", "pageNumber=x", "pageSize=1e3"])
    func invalidPagingAnswers400(query: String) async throws {
        try await SimulatorHarness.with { h in
            let result = try await h.get("product?" + query, token: try await h.token())
            #expect(result.status == 400)
            #expect(result.isProblem)
        }
    }

    @Test func maxPageSizeIsConfigurable() async throws {
        try await SimulatorHarness.with(SimulatorConfiguration(fleetSize: 300, seed: 1, maxPageSize: 250)) { h in
            let token = try await h.token()
            let ok = try await h.get("product?fields=id&pageSize=250", token: token)
            #expect((ok.json["entities"] as? [Any])?.count == 250)
            #expect(try await h.get("product?pageSize=251", token: token).status == 400)
        }
    }

    @Test func statusAndConnectivityFiltersSelectProducts() async throws {
        try await SimulatorHarness.with { h in
            let token = try await h.token()
            let expected = h.sim.products.filter { ($0.status == "ACTIVE" || $0.status == "BLOCKED") && $0.connectivityType == .cellular }
            let result = try await h.get("product?fields=id,status,connectivityType&status=ACTIVE,BLOCKED&connectivityType=CELLULAR&pageSize=100", token: token)
            let entities = try #require(result.json["entities"] as? [[String: Any]])
            #expect(entities.compactMap { $0["id"] as? String } == Array(expected.prefix(100).map(\.id)))
            #expect(!entities.isEmpty)
            let satellites = try await h.get("product?fields=id&connectivityType=SATELLITE&pageSize=100", token: token)
            #expect((satellites.json["entities"] as? [Any])?.count == h.sim.products.filter { $0.connectivityType == .satellite }.count)
        }
    }
}
