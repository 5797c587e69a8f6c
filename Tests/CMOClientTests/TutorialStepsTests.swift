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
            for try await entity in client.list(fields: ["id"], pageSize: 7, readAhead: 1) {
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
            for try await _ in client.list(fields: ["id"], pageSize: 20, readAhead: 1) { count += 1 }
            #expect(count == 60)
            #expect(client.statistics.requests == 4)
        }
    }

    /// A consumer faster than the listing makes it read further ahead, up to `readAhead` pages, and still sees every
    /// product once, in order; the pages requested past the end are at most `readAhead - 1`.
    @Test func aFastConsumerReadsAheadUpToTheLimit() async throws {
        try await withSimulator(SimulatorConfiguration(fleetSize: 60, seed: 11, latencyMilliseconds: 30)) { sim, client in
            var ids: [String] = []
            for try await entity in client.list(fields: ["id"], pageSize: 5, readAhead: 3) {
                ids.append(entity["id"]?.stringValue ?? "")
            }
            #expect(ids == sim.products.map(\.id))
            // Twelve full pages and the empty thirteenth, plus at most two requested past it.
            #expect((13...15).contains(client.statistics.requests))
        }
    }

    /// Waiting for page 2 (30 ms away, while page 1 took microseconds to consume) deepens the read-ahead: pages 3
    /// and 4 are requested before the consumer gets page 2's first entity.
    @Test func waitingForAPageRequestsTheNextTwo() async throws {
        try await withSimulator(SimulatorConfiguration(fleetSize: 60, seed: 11, latencyMilliseconds: 30)) { _, client in
            var iterator = client.list(fields: ["id"], pageSize: 5, readAhead: 4).makeAsyncIterator()
            for _ in 0..<6 { _ = try await iterator.next() }  // all of page 1, then the first of page 2
            // The pages ahead are tasks of their own: give them time to send (the consumer takes nothing more).
            for _ in 0..<200 where client.statistics.requests < 4 { try await Task.sleep(for: .milliseconds(10)) }
            // Page 1, page 2, and pages 3 and 4 ahead (token requests are not counted).
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
