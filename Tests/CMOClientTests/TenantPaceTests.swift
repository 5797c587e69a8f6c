import CMOSimulator
import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import CMOClient

/// The client's side of a tenant-wide rate limit (`Configuration.sharedPace`): every request sent to the API waits
/// for the shared pace first (reads, pages, PATCHes, monitor polls, retries; not token requests), every 429 is told
/// to it with its `Retry-After`, and a pace that fails or is cancelled fails the request before it is sent. The pace
/// kept in PostgreSQL is tested in CMOJournalTests (`TenantRateBucketTests`) and end to end in cmoTests
/// (`TenantRateLimitCommandTests`); here a pace that counts what it is told stands in for it.
@Suite struct TenantPaceTests {
    /// A shared pace that lets every request go at once and remembers what it was told.
    final class CountingPace: SharedRequestPace {
        enum Behaviour: Sendable { case go, fail, waitUntilCancelled }

        private let state = Mutex<(turns: Int, pushes: [Duration?])>((0, []))
        let behaviour: Behaviour

        init(_ behaviour: Behaviour = .go) { self.behaviour = behaviour }

        var turns: Int { state.withLock { $0.turns } }
        var pushes: [Duration?] { state.withLock { $0.pushes } }

        struct Unavailable: Error, CustomStringConvertible {
            var description: String { "the bucket's database is away" }
        }

        func awaitTurn() async throws {
            switch behaviour {
            case .go: state.withLock { $0.turns += 1 }
            case .fail: throw Unavailable()
            case .waitUntilCancelled:
                try await Task.sleep(for: .seconds(3600))
            }
        }

        func rateLimited(retryAfter: Duration?) async {
            state.withLock { $0.pushes.append(retryAfter) }
        }
    }

    @Test func everyRequestWaitsForTheSharedPaceAndTokenRequestsDoNot() async throws {
        let pace = CountingPace()
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, asyncDelayMilliseconds: 300)
        try await withSimulator(config, configure: { $0.sharedPace = pace }) { sim, client in
            // Paging: 60 products in pages of 25 (three pages, the last short).
            var listed = 0
            for try await _ in client.list(pageSize: 25) { listed += 1 }
            #expect(listed == 60)
            let target = try #require(sim.cellular(status: "INACTIVE", asynchronous: true))
            _ = try await client.product(id: target.id)
            // A PATCH, then monitor polls until the change is done.
            guard case .accepted(let monitor) = try await client.patch(id: target.id, ops: [.setStatus("ACTIVE")])
            else {
                Issue.record("expected a monitor")
                return
            }
            let done = try await client.awaitMonitor(monitor, timeout: .seconds(20), interval: .milliseconds(100))
            #expect(done.state == .completed)
            let statistics = client.statistics
            #expect(statistics.tokenFetches == 1)
            #expect(statistics.requests >= 3 + 1 + 1 + 1)  // pages, read, PATCH, at least one poll
            #expect(pace.turns == statistics.requests)
            #expect(pace.pushes.isEmpty)
        }
    }

    @Test func theTenantRateComesFromTheFlagOverTheProfileKey() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-tenant-\(UUID().uuidString).toml")
        try """
            [profiles.default]
            api_url = "http://127.0.0.1:1/api"
            tenant = "eos"
            auth_url = "http://127.0.0.1:1/token"
            client_id = "cmo-demo"
            client_secret = "s"
            tenant_rate_limit = 20
            """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromProfile = try Configuration.load(overrides: .init(configFile: file.path), environment: [:])
        #expect(fromProfile.configuration.limits.tenantRequestsPerSecond == 20)
        #expect(fromProfile.configuration.limits.requestsPerSecond == nil)
        let fromFlag = try Configuration.load(
            overrides: .init(configFile: file.path, tenantRequestsPerSecond: 5), environment: [:])
        #expect(fromFlag.configuration.limits.tenantRequestsPerSecond == 5)
        let error = try #require(throws: CMOError.self) {
            try Configuration.load(overrides: .init(configFile: file.path, tenantRequestsPerSecond: 0), environment: [:])
        }
        #expect(error.kind == .configuration)
        #expect(error.message.contains("tenant_rate_limit"))
    }

    @Test func a429IsToldToTheSharedPaceWithItsRetryAfter() async throws {
        // The first read is refused with Retry-After: 1, then served.
        let pace = CountingPace()
        let (statistics, log) = try await ScriptedServer.withServer({ request in
            if request.repeats == 0 {
                return .init(status: .tooManyRequests, headers: ["Retry-After": "1"], body: "{}")
            }
            return .init(body: #"{"id":"TMUS-1"}"#)
        }) { base, log in
            var configuration = RateLimitedAndProblemTests.configuration(base: base)
            configuration.sharedPace = pace
            return try await withClient(configuration) { client in
                _ = try await client.product(id: "TMUS-1")
                return (client.statistics, log.all)
            }
        }
        #expect(log == ["GET /api/eos/product/TMUS-1", "GET /api/eos/product/TMUS-1"])
        #expect(statistics.rateLimited == 1)
        #expect(pace.pushes == [.seconds(1)])
        #expect(pace.turns == 2)  // the retry waited for its turn too
    }

    @Test func aSharedPaceThatFailsFailsTheRequestUnsent() async throws {
        let pace = CountingPace(.fail)
        try await withSimulator(configure: { $0.sharedPace = pace }) { sim, client in
            let error = try await #require(throws: CMOError.self) { try await client.product(id: sim.products[0].id) }
            #expect(error.kind == .network)
            #expect(
                error.message
                    == "cannot send GET product/\(sim.products[0].id): tenant rate limit: the bucket's database is away")
            #expect(client.statistics.requests == 0)
        }
    }

    @Test func aRequestCancelledWhileWaitingForTheSharedPaceIsNotSent() async throws {
        let pace = CountingPace(.waitUntilCancelled)
        try await withSimulator(configure: { $0.sharedPace = pace }) { sim, client in
            let id = sim.products[0].id
            let read = Task { () async throws(CMOError) -> JSONValue in try await client.product(id: id) }
            // The request waits in the pace for an hour unless cancelled; the token comes first, so once it is
            // fetched the request is parked in the pace.
            while client.statistics.tokenFetches == 0 { try await Task.sleep(for: .milliseconds(10)) }
            read.cancel()
            let error = try await #require(throws: CMOError.self) { try await read.value }
            #expect(error.kind == .cancelled)
            #expect(client.statistics.requests == 0)
        }
    }
}
