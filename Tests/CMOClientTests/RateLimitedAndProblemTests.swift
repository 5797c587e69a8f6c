import CMOSimulator
import Foundation
import HTTPTypes
import Testing

@testable import CMOClient

/// What an operator meets: a `Retry-After` longer than `--max-retry-wait`, a 400 with an `errors` array, a wrong
/// client secret; and `find` reading every page.
@Suite struct RateLimitedAndProblemTests {
    static func configuration(base: String, maxRetryWait: Duration = .seconds(60)) -> Configuration {
        var configuration = MalformedResponseTests.configuration(base: base)
        configuration.retry = RetryPolicy(maximumRetryAfter: maxRetryWait)
        return configuration
    }

    @Test func aRetryAfterLongerThanMaxRetryWaitFailsAtOnceAndHoldsOnlyItsBackend() async throws {
        let (error, again, log) = try await ScriptedServer.withServer({ request in
            if request.path.contains("/product/1NCE-") {
                return .init(
                    status: .tooManyRequests, headers: ["Retry-After": "3600"],
                    body: #"{"type":"Too Many Requests","status":429,"title":"Error","detail":"Quota exceeded."}"#)
            }
            return .init(body: #"{"id":"JASPER-1"}"#)
        }) { base, log in
            try await withClient(Self.configuration(base: base)) { client in
                let error = try await #require(throws: CMOError.self) { try await client.product(id: "1NCE-1") }
                // The backend is known to be refused for an hour: the next request fails without being sent.
                let again = try await #require(throws: CMOError.self) { try await client.product(id: "1NCE-2") }
                _ = try await client.product(id: "JASPER-1")
                return (error, again, log.all)
            }
        }
        #expect(error.kind == .rateLimited)
        #expect(error.kind.description == "rateLimited")  // Lua's kind: rate_limited
        #expect(error.status == 429)
        #expect(error.attempts == 1)
        #expect(error.retryable)
        #expect(error.retryAfter == .seconds(3600))
        let retryAt = try #require(error.retryAt)
        let at = ISO8601DateFormatter().string(from: retryAt)
        #expect(error.message == "rate limited by the API: retry after 3600 s (at \(at)); --max-retry-wait is 60 s")
        #expect(error.detail == "Quota exceeded.")
        #expect(error.title == error.message)  // what Lua's message starts with
        #expect(again.kind == .rateLimited)
        #expect(again.attempts == 0)
        #expect((again.retryAfter ?? .zero) > .seconds(3500))
        #expect(log == ["GET /api/eos/product/1NCE-1", "GET /api/eos/product/JASPER-1"])
    }

    @Test func theSimulatorsHourlyQuotaIsRateLimitedNotSleptThrough() async throws {
        // Three requests an hour: the fourth is refused with a Retry-After of about an hour, the fifth not sent.
        try await withSimulator(SimulatorConfiguration(fleetSize: 60, seed: 11, quotaPerHour: 3)) { sim, client in
            let id = sim.products[0].id
            for _ in 0..<3 { _ = try await client.product(id: id) }
            let refused = try await #require(throws: CMOError.self) { try await client.product(id: id) }
            #expect(refused.kind == .rateLimited)
            #expect(refused.status == 429)
            #expect((refused.retryAfter ?? .zero) > .seconds(3000))
            #expect(refused.message.hasPrefix("rate limited by the API: retry after "))
            let local = try await #require(throws: CMOError.self) { try await client.product(id: id) }
            #expect(local.kind == .rateLimited)
            #expect(local.attempts == 0)
            #expect(client.statistics.requests == 4)
            #expect(client.statistics.rateLimited == 1)
        }
    }

    @Test func a503RetryAfterBeyondTheWaitIsRateLimitedTooAndAShortOneIsWaitedOut() async throws {
        let (long, log) = try await ScriptedServer.withServer({ request in
            if request.path.hasSuffix("/monitor/m1") {
                return .init(status: .serviceUnavailable, headers: ["Retry-After": "120"], body: "{}")
            }
            // The first read of TMUS-1 is refused for one second, then served.
            if request.repeats == 0 {
                return .init(status: .tooManyRequests, headers: ["Retry-After": "1"], body: "{}")
            }
            return .init(body: #"{"id":"TMUS-1"}"#)
        }) { base, log in
            try await withClient(Self.configuration(base: base, maxRetryWait: .seconds(30))) { client in
                let long = try await #require(throws: CMOError.self) { try await client.monitor(id: "m1") }
                let product = try await client.product(id: "TMUS-1")
                #expect(product["id"]?.stringValue == "TMUS-1")
                return (long, log.all)
            }
        }
        #expect(long.kind == .rateLimited)
        #expect(long.status == 503)
        #expect(long.message.hasSuffix("; --max-retry-wait is 30 s"))
        #expect(long.message.hasPrefix("rate limited by the API: retry after 120 s (at "))
        #expect(log == ["GET /api/eos/monitor/m1", "GET /api/eos/product/TMUS-1", "GET /api/eos/product/TMUS-1"])
    }

    @Test func monitorPollsKeepTheirProductsBackendWhenTheCallerNamesIt() async throws {
        // TMSP is refused for an hour; a poll attributed to TMSP is held with it, an unattributed one is not.
        let (attributed, log) = try await ScriptedServer.withServer({ request in
            if request.path.contains("/product/TMSP-") {
                return .init(status: .tooManyRequests, headers: ["Retry-After": "3600"], body: "{}")
            }
            return .init(body: #"{"id":"m1","state":"Completed"}"#)
        }) { base, log in
            try await withClient(Self.configuration(base: base)) { client in
                _ = await #expect(throws: CMOError.self) { try await client.product(id: "TMSP-1") }
                let attributed = try await #require(throws: CMOError.self) {
                    try await client.awaitMonitor(Monitor(id: "m1", state: .inProgress), backend: "TMSP")
                }
                let plain = try await client.monitor(id: "m1")
                #expect(plain.state == .completed)
                return (attributed, log.all)
            }
        }
        #expect(attributed.kind == .rateLimited)
        #expect(attributed.attempts == 0)
        #expect(log == ["GET /api/eos/product/TMSP-1", "GET /api/eos/monitor/m1"])
    }

    @Test func maxRetryWaitComesFromFlagEnvironmentOrProfile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-mrw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.toml").path
        try """
            [profiles.default]
            api_url = "http://127.0.0.1:1/api"
            tenant = "eos"
            auth_url = "http://127.0.0.1:1/token"
            client_id = "c"
            max_retry_wait = 5
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["CMO_CLIENT_SECRET": "s", "HOME": directory.path]
        func wait(_ overrides: ConfigurationOverrides, _ extra: [String: String] = [:]) throws(CMOError) -> Duration {
            var overrides = overrides
            overrides.configFile = file
            return try Configuration.load(overrides: overrides, environment: environment.merging(extra) { $1 })
                .configuration.retry.maximumRetryAfter
        }
        #expect(try wait(ConfigurationOverrides()) == .seconds(5))
        #expect(try wait(ConfigurationOverrides(), ["CMO_MAX_RETRY_WAIT": "7"]) == .seconds(7))
        #expect(try wait(ConfigurationOverrides(maxRetryWait: 9), ["CMO_MAX_RETRY_WAIT": "7"]) == .seconds(9))
        let bad = try #require(throws: CMOError.self) { try wait(ConfigurationOverrides(maxRetryWait: -1)) }
        #expect(bad.message == "invalid setting 'max_retry_wait': must be 0 or more seconds")
        #expect(RetryPolicy().maximumRetryAfter == .seconds(60))
    }

    @Test func aBadRequestsErrorsArrayIsReadAndShownOnePerLine() async throws {
        let body = #"""
            {"type":"Bad Request","status":400,"title":"Error","detail":"The request is invalid.",
             "errors":[{"field":"pageSize","message":"must be at most 100"},
                       {"path":"/0/value","message":"unknown status 'ACTIV'"},
                       "fields: unknown field 'foo'"]}
            """#
        let error = try await TinyServer.withServer(status: .badRequest, body: body) { base in
            try await withClient(MalformedResponseTests.configuration(base: base)) { client in
                try await #require(throws: CMOError.self) { try await client.product(id: "JASPER-1") }
            }
        }
        #expect(
            error.problem?.errors == [
                Problem.ValidationError(field: "pageSize", message: "must be at most 100"),
                Problem.ValidationError(field: "/0/value", message: "unknown status 'ACTIV'"),
                Problem.ValidationError(message: "fields: unknown field 'foo'"),
            ])
        let lines = error.description.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("http: GET product/JASPER-1 failed with HTTP 400; ") == true)
        #expect(
            Array(lines.dropFirst()) == [
                "  - pageSize: must be at most 100", "  - /0/value: unknown status 'ACTIV'",
                "  - fields: unknown field 'foo'",
            ])
        // A body with nothing but an errors array is still a problem.
        #expect(Problem(json: ["errors": ["bad"]])?.errors == [Problem.ValidationError(message: "bad")])
    }

    @Test func findReadsEveryPageAndMergesEntitiesAndErrors() async throws {
        // A find paginated over the identifiers asked for, like the list: ICCIDs ending in an even digit are found.
        let respond: @Sendable (ScriptedServer.Request) -> ScriptedServer.Answer = { request in
            guard let json = try? JSONValue(parsing: Array(request.body.utf8)),
                let iccids = json["iccidList"]?.arrayValue?.compactMap(\.stringValue)
            else { return .init(status: .badRequest, body: "{}") }
            var query: [String: Int] = [:]
            for pair in request.query.split(separator: "&") {
                let parts = pair.split(separator: "=")
                if parts.count == 2 { query[String(parts[0])] = Int(parts[1]) }
            }
            let size = query["pageSize"] ?? 10
            let page = query["pageNumber"] ?? 1
            let slice = iccids.dropFirst((page - 1) * size).prefix(size)
            let found = slice.filter { Int(String($0.last!))! % 2 == 0 }
            let missed = slice.filter { Int(String($0.last!))! % 2 == 1 }
            let entities = found.map { #"{"id":"JASPER-\#($0)","productCharacteristic":[{"name":"ICCID","value":"\#($0)"}]}"# }
            let errors = missed.map { #"{"code":"404","message":"\#($0) not found"}"# }
            return .init(
                body: #"{"entities":[\#(entities.joined(separator: ","))],"errors":[\#(errors.joined(separator: ","))],"#
                    + #""statistics":{"currentPage":\#(page),"pageSize":\#(size)}}"#)
        }
        let iccids = (0..<250).map { String(89_490_200_000_000_000 + $0) }
        let (result, log) = try await ScriptedServer.withServer(respond) { base, log in
            try await withClient(MalformedResponseTests.configuration(base: base)) { client in
                (try await client.find(iccids: iccids), log.all)
            }
        }
        #expect(result.products.count == 125)
        #expect(result.errors.count == 125)
        #expect(result.missing == iccids.filter { Int(String($0.last!))! % 2 == 1 })
        #expect(
            log == [
                "POST /api/eos/product/find?pageNumber=1&pageSize=100",
                "POST /api/eos/product/find?pageNumber=2&pageSize=100",
                "POST /api/eos/product/find?pageNumber=3&pageSize=100",
            ])
        // Exactly two full pages: a third, empty page ends it.
        let (exact, exactLog) = try await ScriptedServer.withServer(respond) { base, log in
            try await withClient(MalformedResponseTests.configuration(base: base)) { client in
                (try await client.find(iccids: Array(iccids.prefix(200))), log.all)
            }
        }
        #expect(exact.products.count + exact.errors.count == 200)
        #expect(exactLog.count == 3)
    }

    @Test func findReadsEveryPageOfTheSimulator() async throws {
        // 150 ICCIDs the fleet has and 20 it has not: the simulator answers 100 products a page.
        try await withSimulator(SimulatorConfiguration(fleetSize: 400, seed: 11)) { sim, client in
            let known = Array(sim.products.filter { $0.connectivityType == .cellular }.prefix(150).map(\.identifier))
            try #require(known.count == 150)
            let unknown = (0..<20).map { String(89_000_000_000_000_000_00 + $0) }
            let result = try await client.find(iccids: known + unknown)
            #expect(Set(result.products.compactMap(\.iccid)) == Set(known))
            #expect(result.products.count == 150)
            #expect(result.errors.count == 20)
            #expect(result.missing == unknown)
            #expect(client.statistics.requests == 2)
        }
    }

    @Test func aWrongClientSecretSaysInvalidClientAndIsNotLoggedByTheClient() async throws {
        let (logger, store) = CapturingLogHandler.logger()
        let error = try await withSimulator(configure: { $0.auth.clientSecret = Secret("wrong") }, logger: logger) {
            sim, client in
            try await #require(throws: CMOError.self) { try await client.product(id: sim.products[0].id) }
        }
        #expect(error.kind == .auth)
        #expect(error.status == 401)
        #expect(error.message == "token request rejected: invalid_client: Invalid client or Invalid client credentials")
        #expect(error.problem?.error == "invalid_client")
        #expect(error.isConfigurationProblem)
        #expect(error.correlationId?.isEmpty == false)
        // The caller reports the error; the client logs nothing of it above debug (it used to log an error line).
        #expect(store.all.filter { $0.hasPrefix("error") || $0.hasPrefix("warning") }.isEmpty)
    }
}
