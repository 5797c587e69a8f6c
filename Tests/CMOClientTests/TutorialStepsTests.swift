import CMOClient
import CMOSimulator
import Testing

/// The tutorial's five steps through `CMOClient`, against the simulator over HTTP.
@Suite struct TutorialStepsTests {
    @Test func stepOneListsTheFirstPageWithTheFields() async throws {
        try await withSimulator { sim, client in
            var iterator = client.list(fields: ["id", "connectivityType", "status"], pageSize: 10).makeAsyncIterator()
            var first: [JSONValue] = []
            while first.count < 10, let entity = try await iterator.next() { first.append(entity) }
            #expect(first.count == 10)
            #expect(first.map { $0["id"]?.stringValue } == sim.products.prefix(10).map(\.id))
            #expect(first.allSatisfy { $0.objectValue?.keys.sorted() == ["connectivityType", "id", "status"] })
        }
    }

    @Test func listingFetchesEveryPageAndEndsOnTheShortOne() async throws {
        try await withSimulator { sim, client in
            var ids: [String] = []
            for try await entity in client.list(fields: ["id"], pageSize: 7) {
                ids.append(entity["id"]?.stringValue ?? "")
            }
            #expect(ids == sim.products.map(\.id))
            // 60 products in pages of 7: eight full pages and a short ninth, no request past it.
            #expect(client.statistics.requests == 9)
        }
    }

    @Test func listingEndsOnAnEmptyPageWhenTheLastPageIsFull() async throws {
        try await withSimulator { sim, client in
            var count = 0
            for try await _ in client.list(fields: ["id"], pageSize: 20) { count += 1 }
            #expect(count == 60)
            #expect(client.statistics.requests == 4)
        }
    }

    @Test func stepTwoReadsTheBundleAndItsSimCard() async throws {
        try await withSimulator { sim, client in
            let expected = try #require(sim.cellular(status: "INACTIVE", asynchronous: false))
            let product = try await client.product(id: expected.id)
            #expect(product["id"]?.stringValue == expected.id)
            #expect(product["@type"] == "IoTConnection")
            #expect(product.backend == expected.backend.rawValue)
            #expect(product.iccid == expected.identifier)
            let simCard = try await client.subProduct(id: expected.id, suffix: "simCard")
            #expect(simCard["id"]?.stringValue == "\(expected.id)-simCard")
            #expect(simCard.characteristic("ICCID")?.stringValue == expected.identifier)
        }
    }

    @Test func stepThreeChangesASynchronousBackend() async throws {
        try await withSimulator { sim, client in
            let target = try #require(sim.cellular(status: "INACTIVE", asynchronous: false))
            let result = try await client.patch(id: target.id, ops: [.setStatus("ACTIVE")])
            guard case .completed(let simCard) = result else {
                Issue.record("expected a synchronous completion, got \(result)")
                return
            }
            #expect(simCard["status"] == "ACTIVE")
            #expect(sim.product(id: target.id)?.status == "ACTIVE")
            #expect(sim.appliedChanges[target.id] == 1)
        }
    }

    @Test func stepsFourAndFiveFollowAnAsynchronousChangeToCompletion() async throws {
        try await withSimulator(SimulatorConfiguration(fleetSize: 60, seed: 11, asyncDelayMilliseconds: 300)) {
            sim, client in
            let target = try #require(sim.cellular(status: "INACTIVE", asynchronous: true))
            let result = try await client.patch(id: target.id, ops: [.setStatus("ACTIVE")])
            guard case .accepted(let monitor) = result else {
                Issue.record("expected a monitor, got \(result)")
                return
            }
            #expect(monitor.state == .inProgress)
            let polled = try await client.monitor(id: monitor.id)
            #expect(polled.id == monitor.id)
            #expect(polled.sourceHref?.hasSuffix("/product/\(target.id)-simCard") == true)
            let done = try await client.awaitMonitor(monitor, timeout: .seconds(10))
            #expect(done.state == .completed)
            #expect(try await client.product(id: target.id)["status"] == "ACTIVE")
        }
    }

    @Test func findReportsHitsAndMisses() async throws {
        try await withSimulator { sim, client in
            let known = sim.products.filter { $0.connectivityType == .cellular }.prefix(3).map(\.identifier)
            let unknown = "8949000000000000000"
            let found = try await client.find(iccids: Array(known) + [unknown])
            #expect(found.products.count == 3)
            #expect(Set(found.products.compactMap(\.iccid)) == Set(known))
            #expect(found.missing == [unknown])
            #expect(found.errors.count == 1)
        }
    }

    @Test func customPropertiesAreSetWithTheQueryPatchType() async throws {
        try await withSimulator { sim, client in
            let target = try #require(sim.cellular(status: "ACTIVE", asynchronous: true))
            let simCard = try await client.patchCustomProperties(id: target.id, ops: [.add("site", value: "Bonn")])
            let properties = simCard["customProperty"]?.arrayValue ?? []
            #expect(properties.contains { $0["name"] == "site" && $0["value"] == "Bonn" })
            let removed = try await client.patchCustomProperties(id: target.id, ops: [.remove("site")])
            #expect(removed["customProperty"]?.arrayValue?.contains { $0["name"] == "site" } == false)
        }
    }
}
