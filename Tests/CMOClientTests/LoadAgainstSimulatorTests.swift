import CMOClient
import CMOSimulator
import Testing

/// Tokens, retries and limits under concurrent load, against the simulator over HTTP.
@Suite struct LoadAgainstSimulatorTests {
    /// Reads `count` products with `concurrency` tasks; returns the errors.
    static func readMany(
        _ client: CMOClient, ids: [String], count: Int, concurrency: Int
    ) async -> [CMOError] {
        await withTaskGroup(of: CMOError?.self) { group in
            var errors: [CMOError] = []
            var next = 0
            func addOne() {
                let id = ids[next % ids.count]
                next += 1
                group.addTask {
                    do {
                        _ = try await client.product(id: id)
                        return nil
                    } catch {
                        return error as? CMOError
                    }
                }
            }
            for _ in 0..<min(concurrency, count) { addOne() }
            for await error in group {
                if let error { errors.append(error) }
                if next < count { addOne() }
            }
            return errors
        }
    }

    @Test func hundredConcurrentFirstRequestsFetchOneToken() async throws {
        try await withSimulator { sim, client in
            let ids = sim.products.map(\.id)
            let errors = await Self.readMany(client, ids: ids, count: 100, concurrency: 100)
            #expect(errors.isEmpty)
            #expect(client.statistics.tokenFetches == 1)
            #expect(client.statistics.requests == 100)
        }
    }

    @Test func shortLivedTokensAreRefreshedAheadNotPerRequest() async throws {
        // 3 s tokens (which, with `exp` in whole seconds, really last 2-3 s: long enough that a fresh token does
        // not expire in flight even on a loaded machine); 100 ms latency makes 1,280 requests at concurrency 32
        // last at least 4 s, so tokens must be renewed during the run. Requests that meet an expiry get a 401,
        // and one refresh and retry brings them through.
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, tokenTTL: 3, latencyMilliseconds: 100)
        try await withSimulator(config) { sim, client in
            let started = ContinuousClock.now
            let errors = await Self.readMany(client, ids: sim.products.map(\.id), count: 1280, concurrency: 32)
            let elapsed = ContinuousClock.now - started
            let stats = client.statistics
            #expect(errors.isEmpty, "\(errors.first.map(String.init(describing:)) ?? "")")
            #expect(stats.tokenFetches >= 2)
            // At most a refresh ahead every 2.25 s and a renewal after 401s every 2 s (when `exp` was early),
            // plus the first fetch: about run time / TTL, and far below one per request.
            let bound = Int(elapsed / .seconds(1)) + 2
            #expect(stats.tokenFetches <= bound, "\(stats.tokenFetches) token fetches in \(elapsed)")
            #expect(stats.tokenFetches * 20 < stats.requests)
        }
    }

    @Test func faultsAndDropsOnReadsAllEventuallySucceed() async throws {
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, faultRate: 0.2, dropRate: 0.02)
        try await withSimulator(config, configure: { $0.retry.maximumAttempts = 12 }) { sim, client in
            let errors = await Self.readMany(client, ids: sim.products.map(\.id), count: 300, concurrency: 16)
            #expect(errors.isEmpty, "\(errors.first.map(String.init(describing:)) ?? "")")
            let stats = client.statistics
            // About a fifth of the attempts failed and were retried.
            #expect(stats.retries > 20)
            #expect(stats.requests == 300 + stats.retries)
        }
    }

    @Test func rateLimitedClientSpreadsRequestsWithoutA429Storm() async throws {
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, rateLimit: 10)
        try await withSimulator(config, configure: { $0.limits.requestsPerSecond = 10 }) { sim, client in
            let errors = await Self.readMany(client, ids: sim.products.map(\.id), count: 30, concurrency: 8)
            #expect(errors.isEmpty)
            let stats = client.statistics
            #expect(stats.rateLimited <= 2, "\(stats.rateLimited) answers were 429")
            #expect(stats.requests == 30 + stats.retries)
        }
    }

    @Test func unlimitedClientAgainstARateLimitRecoversFrom429s() async throws {
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, rateLimit: 10)
        try await withSimulator(config) { sim, client in
            // 40 requests at once against a bucket of 10: the burst runs into 429s without a client-side limit, and
            // Retry-After brings every request through.
            let errors = await Self.readMany(client, ids: sim.products.map(\.id), count: 40, concurrency: 40)
            #expect(errors.isEmpty)
            #expect(client.statistics.rateLimited > 0)
        }
    }

    @Test func lostPatchThatIsNotIdempotentIsOutcomeUnknown() async throws {
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, dropRate: 1)
        try await withSimulator(config) { sim, client in
            let target = try #require(sim.cellular(status: "ACTIVE", asynchronous: false))
            let error = try await #require(throws: CMOError.self) {
                try await client.patch(id: target.id, ops: [.add("/simNotes", value: "hello")])
            }
            #expect(error.kind == .outcomeUnknown)
            #expect(error.attempts == 1)
            #expect(error.message.contains("re-read"))
        }
    }

    @Test func lostIdempotentPatchIsRetried() async throws {
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, dropRate: 1)
        try await withSimulator(config, configure: { $0.retry.maximumAttempts = 3 }) { sim, client in
            let target = try #require(sim.cellular(status: "ACTIVE", asynchronous: false))
            let error = try await #require(throws: CMOError.self) {
                try await client.patch(id: target.id, ops: [.setStatus("SUSPENDED")])
            }
            // Every attempt was dropped; the replace was tried three times (and, with drops after processing,
            // applied — repeating it changed nothing more).
            #expect(error.kind == .network)
            #expect(error.attempts == 3)
            #expect(sim.product(id: target.id)?.status == "SUSPENDED")
            #expect(sim.appliedChanges[target.id] == 1)
        }
    }
}
