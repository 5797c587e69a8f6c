import CMOClient
import CMOSimulator
import Testing

/// Typed errors for what the simulator refuses.
@Suite struct ErrorsAgainstSimulatorTests {
    @Test func unknownProductIsA404WithTheProblemAndCorrelationId() async throws {
        try await withSimulator { _, client in
            let error = try await #require(throws: CMOError.self) { try await client.product(id: "JASPER-0000") }
            #expect(error.kind == .http)
            #expect(error.status == 404)
            #expect(error.type == "Not Found")
            #expect(error.detail?.contains("JASPER-0000") == true)
            #expect(error.correlationId?.isEmpty == false)
            #expect(error.retryable == false)
            #expect(error.attempts == 1)
        }
    }

    @Test func wrongSecretIsOneTokenRequestAndAClearAuthError() async throws {
        try await withSimulator(configure: { $0.auth.clientSecret = Secret("not-the-secret") }) { sim, client in
            let errors = await withTaskGroup(of: CMOError?.self) { group in
                for product in sim.products.prefix(20) {
                    group.addTask {
                        do {
                            _ = try await client.product(id: product.id)
                            return nil
                        } catch {
                            return error as? CMOError
                        }
                    }
                }
                var errors: [CMOError] = []
                for await error in group { if let error { errors.append(error) } }
                return errors
            }
            #expect(errors.count == 20)
            #expect(errors.allSatisfy { $0.kind == CMOError.Kind.auth && $0.status == 401 })
            #expect(errors.first?.message.hasPrefix("token request rejected") == true)
            #expect(!(errors.first?.description.contains("not-the-secret") ?? true))
            #expect(client.statistics.tokenFetches == 1)
            #expect(client.statistics.requests == 0)
        }
    }

    @Test func blockedProductCannotChange() async throws {
        try await withSimulator { sim, client in
            let blocked = try #require(sim.products.first { $0.status == "BLOCKED" && $0.connectivityType == .cellular })
            let error = try await #require(throws: CMOError.self) {
                try await client.patch(id: blocked.id, ops: [.setStatus("ACTIVE")])
            }
            #expect(error.kind == .http)
            #expect(error.status == 422)
            #expect(error.detail?.isEmpty == false)
            #expect(sim.appliedChanges[blocked.id] == nil)
        }
    }

    @Test func secondChangeDuringAMonitorIsAConflict() async throws {
        try await withSimulator(SimulatorConfiguration(fleetSize: 60, seed: 11, asyncDelayMilliseconds: 5000)) {
            sim, client in
            let target = try #require(sim.cellular(status: "INACTIVE", asynchronous: true))
            _ = try await client.patch(id: target.id, ops: [.setStatus("ACTIVE")])
            let error = try await #require(throws: CMOError.self) {
                try await client.patch(id: target.id, ops: [.setStatus("SUSPENDED")])
            }
            #expect(error.status == 409)
            #expect(error.attempts == 1)
        }
    }

    @Test func failedTestOpProtectsAConcurrentChange() async throws {
        try await withSimulator { sim, client in
            let target = try #require(sim.cellular(status: "ACTIVE", asynchronous: false))
            let error = try await #require(throws: CMOError.self) {
                try await client.patch(id: target.id, ops: [.test("/status", equals: "INACTIVE"), .setStatus("ACTIVE")])
            }
            #expect(error.status == 409)
            #expect(sim.appliedChanges[target.id] == nil)
        }
    }

    @Test func monitorInErrorIsATypedErrorWithTheReason() async throws {
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, asyncDelayMilliseconds: 200, inErrorRate: 1)
        try await withSimulator(config) { sim, client in
            let target = try #require(sim.cellular(status: "INACTIVE", asynchronous: true))
            guard case .accepted(let monitor) = try await client.patch(id: target.id, ops: [.setStatus("ACTIVE")]) else {
                Issue.record("expected a monitor")
                return
            }
            let error = try await #require(throws: CMOError.self) {
                try await client.awaitMonitor(monitor, timeout: .seconds(10))
            }
            #expect(error.kind == .monitorFailed)
            #expect(error.monitor?.id == monitor.id)
            #expect(error.monitor?.state == .inError)
            let reason = try #require(error.monitor?.errorReason)
            #expect(error.message == "monitor \(monitor.id) ended InError: \(reason)")
            #expect(sim.product(id: target.id)?.status == "INACTIVE")
        }
    }

    @Test func monitorStillRunningAtTheDeadlineTimesOut() async throws {
        let config = SimulatorConfiguration(fleetSize: 60, seed: 11, asyncDelayMilliseconds: 60_000)
        try await withSimulator(config) { sim, client in
            let target = try #require(sim.cellular(status: "INACTIVE", asynchronous: true))
            guard case .accepted(let monitor) = try await client.patch(id: target.id, ops: [.setStatus("ACTIVE")]) else {
                Issue.record("expected a monitor")
                return
            }
            let error = try await #require(throws: CMOError.self) {
                try await client.awaitMonitor(monitor, timeout: .seconds(1))
            }
            #expect(error.kind == .monitorTimeout)
            #expect(error.monitor?.state == .inProgress)
            #expect(error.message == "monitor \(monitor.id) still InProgress after 1 s")
        }
    }
}
