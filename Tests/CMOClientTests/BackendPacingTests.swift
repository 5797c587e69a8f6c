import CMOSimulator
import HTTPTypes
import Synchronization
import Testing

@testable import CMOClient

/// Per-backend pacing over HTTP: against the simulator's rate limit, and a scripted server for 429s of one backend.
/// Requests, 429s and order are counted; durations are not.
@Suite struct BackendPacingTests {
    /// Completions in order, by label.
    final class Order: Sendable {
        private let labels = Mutex<[String]>([])
        func append(_ label: String) { labels.withLock { $0.append(label) } }
        var all: [String] { labels.withLock { $0 } }
    }

    /// The standard catalogue with 1NCE's rate replaced.
    static func catalogue(oneNCE rate: Double?) -> BackendCatalogue {
        var catalogue = BackendCatalogue.standard
        catalogue.profiles["1NCE"]?.requestsPerSecond = rate
        return catalogue
    }

    /// Reads `ids` all at once; returns the client's statistics.
    static func readAll(_ client: CMOClient, _ ids: [String]) async throws -> CMOClient.Statistics {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids { group.addTask { _ = try await client.product(id: id) } }
            try await group.waitForAll()
        }
        return client.statistics
    }

    @Test func theCataloguesRateKeepsOneNCEUnderItsLimitWithoutA429() async throws {
        // The simulator limits 1NCE to 10 requests a second, as the real service does; 30 1NCE reads sent at once.
        let simulator = SimulatorConfiguration(fleetSize: 120, seed: 11)
        let paced = try await withSimulator(simulator, configure: { $0.backends = Self.catalogue(oneNCE: 10) }) {
            sim, client in
            let ids = sim.products.filter { $0.id.hasPrefix("1NCE-") }.map(\.id)
            try #require(!ids.isEmpty)
            return try await Self.readAll(client, (0..<30).map { ids[$0 % ids.count] })
        }
        #expect(paced.rateLimited == 0)
        #expect(paced.requests == 30)
        // The same reads with no rate for 1NCE meet 429s: the pacing above is what avoided them.
        let unpaced = try await withSimulator(simulator, configure: { $0.backends = Self.catalogue(oneNCE: nil) }) {
            sim, client in
            let ids = sim.products.filter { $0.id.hasPrefix("1NCE-") }.map(\.id)
            return try await Self.readAll(client, (0..<30).map { ids[$0 % ids.count] })
        }
        #expect(unpaced.rateLimited > 0)
    }

    @Test func aSlowBackendDoesNotHoldBackTheOthersNorTheirSlots() async throws {
        // 1NCE at one request a second, two slots in flight: eight 1NCE reads queue on their backend without
        // holding a slot, and twelve JASPER reads issued after them all finish before most of them.
        let order = Order()
        try await withSimulator(
            configure: {
                $0.backends = Self.catalogue(oneNCE: 1)
                $0.limits.maxInFlight = 2
            }
        ) { sim, client in
            let slow = try #require(sim.products.first { $0.id.hasPrefix("1NCE-") }).id
            let fast = try #require(sim.products.first { $0.id.hasPrefix("JASPER-") }).id
            _ = try await client.accessToken()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        _ = try await client.product(id: slow)
                        order.append("1NCE")
                    }
                }
                try await Task.sleep(for: .milliseconds(50))  // the 1NCE reads are queued first
                for _ in 0..<12 {
                    group.addTask {
                        _ = try await client.product(id: fast)
                        order.append("JASPER")
                    }
                }
                try await group.waitForAll()
            }
        }
        let all = order.all
        let lastFast = try #require(all.lastIndex(of: "JASPER"))
        #expect(all.count == 20)
        #expect(all[...lastFast].filter { $0 == "1NCE" }.count <= 3)
    }

    @Test func a429OfOneBackendSlowsThatBackendAloneAndIsWaitedOut() async throws {
        // The first 1NCE read is refused for three seconds; JASPER reads issued meanwhile are not held up.
        let order = Order()
        let (log, rate) = try await ScriptedServer.withServer({ request in
            if request.path.hasSuffix("/product/1NCE-1"), request.repeats == 0 {
                return .init(status: .tooManyRequests, headers: ["Retry-After": "3"], body: #"{"status":429}"#)
            }
            let id = request.path.split(separator: "/").last.map(String.init) ?? ""
            return .init(body: #"{"id":"\#(id)"}"#)
        }) { base, log in
            var configuration = MalformedResponseTests.configuration(base: base)
            configuration.retry = RetryPolicy()
            return try await withClient(configuration) { client in
                let refused = Task {
                    _ = try await client.product(id: "1NCE-1")
                    order.append("1NCE-1")
                }
                while client.statistics.rateLimited == 0 { await Task.yield() }  // its 429 has come back
                let second = Task {
                    _ = try await client.product(id: "1NCE-2")
                    order.append("1NCE-2")
                }
                for index in 0..<5 {
                    _ = try await client.product(id: "JASPER-\(index)")
                    order.append("JASPER")
                }
                try await refused.value
                try await second.value
                #expect(client.statistics.rateLimited == 1)
                return (log.all, client.limiter.rate(backend: "1NCE"))
            }
        }
        // Every JASPER read finished before either 1NCE read: the 1NCE block held only 1NCE.
        #expect(order.all.prefix(5) == ["JASPER", "JASPER", "JASPER", "JASPER", "JASPER"])
        // 1NCE-2 was held by the block (it finished after every JASPER read) and sent once.
        #expect(log.filter { $0.hasSuffix("product/1NCE-2") }.count == 1)
        #expect(log.filter { $0.hasSuffix("product/1NCE-1") }.count == 2)
        #expect(rate == 7.5)
    }

    @Test func remainingZeroWaitsForTheResetInsteadOfMeetingA429() async throws {
        // A bucket of 3 requests a second; 9 reads one after the other, on a list (no backend) and on JASPER.
        let simulator = SimulatorConfiguration(fleetSize: 60, seed: 11, rateLimit: 3)
        let stats = try await withSimulator(simulator) { sim, client in
            for page in 1...9 { _ = try await client.page(page % 3 + 1, fields: ["id"], pageSize: 5) }
            let id = try #require(sim.products.first { $0.id.hasPrefix("JASPER-") }).id
            for _ in 1...9 { _ = try await client.product(id: id) }
            return client.statistics
        }
        #expect(stats.rateLimited == 0)
        #expect(stats.requests == 18)
    }
}
