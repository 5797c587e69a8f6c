import CMOJournal
import CMOClient
import CMOSimulator
import Foundation
import Testing

@testable import CMOEngine

@Suite struct ChangeTests {
    @Test func setStatusChangesSyncAndAsyncSIMsOnce() async throws {
        try await EngineHarness.with { harness in
            let sync = try #require(harness.ids(status: "INACTIVE", async: false).first)
            let async = try #require(harness.ids(status: "INACTIVE", async: true).first)
            let run = try await harness.run("""
                for _, id in ipairs({"\(sync)", "\(async)"}) do
                  local o = cmo.activate(id)
                  print(o.state, o.id, o.from, o.to, o.async, o.monitor and o.monitor.state or "-", o.iccid ~= nil)
                end
                """)
            #expect(run.result.exitCode == .success)
            #expect(run.output == [
                "changed\t\(sync)\tINACTIVE\tACTIVE\tfalse\t-\ttrue", "changed\t\(async)\tINACTIVE\tACTIVE\ttrue\tCompleted\ttrue",
            ])
            #expect(harness.simulator.appliedChanges == [sync: 1, async: 1])
            #expect(harness.simulator.product(id: async)?.status == "ACTIVE")
            #expect(run.report.counts == [.changed: 2])
        }
    }

    @Test func aSIMAlreadyInTheTargetStateIsNotPatched() async throws {
        try await EngineHarness.with { harness in
            let active = try #require(harness.ids(status: "ACTIVE").first)
            let run = try await harness.run("print(cmo.activate('\(active)').state)")
            #expect(run.output == ["unchanged"])
            #expect(harness.simulator.appliedChanges.isEmpty)
        }
    }

    @Test func onlyIfSkipsOnReadAndTheTestOpLosesARaceAtTheServer() async throws {
        try await EngineHarness.with { harness in
            let suspended = try #require(harness.ids(status: "SUSPENDED", async: false).first)
            let active = try #require(harness.ids(status: "ACTIVE", async: false).first)
            let run = try await harness.run("""
                print(cmo.set_status("\(suspended)", "ACTIVE", {only_if = "INACTIVE"}).state)
                -- Someone else suspended the SIM after we read it as ACTIVE: the test op makes the server refuse.
                local ok, err = cmo.try(cmo.patch, "\(active)", {
                  {op = "test", path = "/status", value = "INACTIVE"},
                  {op = "replace", path = "/status", value = "SUSPENDED"},
                })
                print(ok, err.kind, err.status)
                """)
            #expect(run.output == ["skipped", "false\thttp\t409"])
            #expect(harness.simulator.appliedChanges.isEmpty)
            #expect(run.result.exitCode == .operationsFailed)
        }
    }

    @Test func onlyIfSendsATestOperation() async throws {
        try await EngineHarness.with { harness in
            let inactive = try #require(harness.ids(status: "INACTIVE", async: false).first)
            let run = try await harness.run("print(cmo.set_status('\(inactive)', 'ACTIVE', {only_if = 'INACTIVE'}).state)")
            #expect(run.output == ["changed"])
            #expect(run.report.records.first?.ops == #"[{"op":"test","path":"/status","value":"INACTIVE"},{"op":"replace","path":"/status","value":"ACTIVE"}]"#)
        }
    }

    @Test func dryRunReadsForRealAndChangesNothing() async throws {
        try await EngineHarness.with { harness in
            let sync = try #require(harness.ids(status: "INACTIVE", async: false).first)
            let async = try #require(harness.ids(status: "INACTIVE", async: true).first)
            let iccid = try #require(harness.simulator.product(id: sync)?.identifier)
            let run = try await harness.run("""
                print(cmo.dry_run)
                local a = cmo.activate("\(sync)")
                local b = cmo.set_status("\(async)", "ACTIVE", {wait = false})
                local m = cmo.await_monitor(b.monitor)
                local p = cmo.patch("\(async)", {{op = "replace", path = "/status", value = "ACTIVE"}})
                print(a.state, b.state, m.state, p.state, cmo.await_monitor(p.monitor).state)
                """) { $0.dryRun = true }
            #expect(run.result.exitCode == .success)
            #expect(run.output == ["true", "would_change\twould_change\tCompleted\taccepted\tCompleted"])
            #expect(harness.simulator.appliedChanges.isEmpty)
            #expect(harness.simulator.product(id: sync)?.status == "INACTIVE")
            let summary = run.report.summary(dryRun: true)
            #expect(summary.contains("changes (dry run): 3 would_change"))
            #expect(summary.contains("ICCID \(iccid) INACTIVE -> ACTIVE (would change)"))
        }
    }

    @Test func dryRunRefusesWhatTheBackendRefusesAndTheRealRunAgrees() async throws {
        try await EngineHarness.with { harness in
            // A synchronous backend that allows INACTIVE -> ACTIVE only (JASPER allows every change).
            let inactive = try #require(
                harness.ids(status: "INACTIVE", async: false).first { id in
                    BackendCatalogue.standard.profile(forProductID: id)?.transitions.targets(from: "INACTIVE") == ["ACTIVE"]
                })
            let script = """
                local ok, err = cmo.try(cmo.suspend, "\(inactive)")
                print(ok, err.kind)
                """
            let dry = try await harness.run(script) { $0.dryRun = true }
            #expect(dry.output == ["false\trefused"])
            #expect(dry.result.exitCode == .operationsFailed)
            #expect(dry.report.counts == [.refused: 1])
            #expect(dry.report.summary(dryRun: true).contains("INACTIVE -> SUSPENDED (refused): the status cannot change from INACTIVE to SUSPENDED (allowed: ACTIVE)"))
            // The simulator, as the backend, refuses the same change for real.
            let real = try await harness.run(script)
            #expect(real.output == ["false\thttp"])
            #expect(real.report.records.first?.error?.hasPrefix("http 422") == true)
            #expect(harness.simulator.appliedChanges.isEmpty)
        }
    }

    @Test func maxChangesStopsBeforeTheChangeThatWouldExceedIt() async throws {
        try await EngineHarness.with { harness in
            let ids = harness.ids(status: "INACTIVE", async: false)
            #expect(ids.count >= 5)
            let run = try await harness.run("""
                for _, id in ipairs(\(EngineHarness.lua(ids))) do cmo.activate(id) end
                """) { $0.guards.maxChanges = 3 }
            #expect(run.result.exitCode == .stopped)
            #expect(run.result.errorReport?.contains("--max-changes 3 reached") == true)
            #expect(harness.simulator.appliedChanges.values.reduce(0, +) == 3)
        }
    }

    @Test func maxFailureRateStopsARunGoingWrong() async throws {
        try await EngineHarness.with(
            SimulatorConfiguration(fleetSize: 400, asyncDelayMilliseconds: 20, inErrorRate: 1)) { harness in
            let ids = harness.ids(status: "INACTIVE", async: true)
            #expect(ids.count >= 30)
            let run = try await harness.run("""
                cmo.parallel(\(EngineHarness.lua(ids)), function(id) return cmo.activate(id) end, {concurrency = 4})
                """) { $0.guards.maxFailureRate = 0.5 }
            #expect(run.result.exitCode == .stopped)
            #expect(run.result.errorReport?.contains("--max-failure-rate 0.50 exceeded") == true)
            #expect(run.report.records.count < ids.count)
        }
    }

    @Test func anInErrorMonitorFailsTheChangeAndTheSIMKeepsItsStatus() async throws {
        try await EngineHarness.with(
            SimulatorConfiguration(fleetSize: 60, asyncDelayMilliseconds: 20, inErrorRate: 1)) { harness in
            let async = try #require(harness.ids(status: "INACTIVE", async: true).first)
            let run = try await harness.run("""
                local ok, err = cmo.try(cmo.activate, "\(async)")
                print(ok, err.kind, err.monitor.state, type(err.monitor.reason))
                """)
            #expect(run.output == ["false\tmonitor_failed\tInError\tstring"])
            #expect(run.result.exitCode == .operationsFailed)
            #expect(harness.simulator.product(id: async)?.status == "INACTIVE")
            #expect(run.report.records.first?.outcome == .failed)
            #expect(run.report.records.first?.monitorID != nil)
        }
    }

    @Test func aMonitorThatOutlastsItsTimeoutFails() async throws {
        try await EngineHarness.with(SimulatorConfiguration(fleetSize: 60, asyncDelayMilliseconds: 30_000)) { harness in
            let async = try #require(harness.ids(status: "INACTIVE", async: true).first)
            let run = try await harness.run("""
                local r = cmo.set_status("\(async)", "ACTIVE", {wait = false})
                local ok, err = cmo.try(cmo.await_monitor, r.monitor.id, {timeout = 0.3, interval = 0.05})
                print(r.state, ok, err.kind)
                """)
            #expect(run.output == ["accepted\tfalse\tmonitor_timeout"])
        }
    }

    @Test func aThousandSIMsReachTheirTargetDespiteFaults() async throws {
        try await EngineHarness.with(
            SimulatorConfiguration(fleetSize: 1000, seed: 7, asyncDelayMilliseconds: 20, faultRate: 0.1)) { harness in
            let targets = harness.simulator.products.filter { $0.status == "INACTIVE" || $0.status == "SUSPENDED" }
            let run = try await harness.run("""
                local results, failures = cmo.parallel(cmo.list{page_size = 100, where = {status = {"INACTIVE", "SUSPENDED"}}},
                  function(p) return cmo.activate(p.id) end, {concurrency = 32})
                print(#results, failures)
                """) { $0.concurrency = 32 }
            #expect(run.result.exitCode == .success, "\(run.result.errorReport ?? "")")
            #expect(run.output == ["\(targets.count)\t0"])
            for product in targets {
                #expect(harness.simulator.product(id: product.id)?.status == "ACTIVE")
            }
            #expect(harness.simulator.appliedChanges.values.allSatisfy { $0 == 1 })
        }
    }

    @Test func theReportIsWrittenAsJSON() async throws {
        try await EngineHarness.with { harness in
            let sync = try #require(harness.ids(status: "INACTIVE", async: false).first)
            let run = try await harness.run("cmo.activate('\(sync)') cmo.try(cmo.activate, 'JASPER-0000')")
            let data = try run.report.json(script: "workflow.lua", dryRun: false, exitCode: 3, seconds: 1.5)
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(document["exit_code"] as? Int == 3)
            #expect((document["counts"] as? [String: Int]) == ["changed": 1, "failed": 1])
            let changes = try #require(document["changes"] as? [[String: Any]])
            #expect(changes.count == 2)
            let failed = try #require(changes.first { $0["outcome"] as? String == "failed" })
            #expect(failed["correlation_id"] is String)
            #expect((failed["error"] as? String)?.hasPrefix("http 404: Error: Product with id JASPER-0000") == true)
        }
    }
}

extension ChangeTests {
    /// The simulator allows 10 requests per second. A run limited to 8 per second stays under it (at most one 429
    /// on a very busy machine), where the same run unlimited meets 429s.
    @Test func theRateLimitKeepsTheRunUnderTheServersLimit() async throws {
        try await EngineHarness.with(SimulatorConfiguration(fleetSize: 60, rateLimit: 10)) { harness in
            func reads(_ count: Int) -> String {
                let ids = Array(harness.simulator.products.prefix(count).map(\.id))
                return "cmo.parallel(\(EngineHarness.lua(ids)), function(id) return cmo.product(id).id end, {concurrency = 16})"
            }
            // Unlimited: 60 reads at once against a bucket of 10 a second, so even a slow (loaded) machine sends
            // them faster than the server allows.
            let unlimited = try await harness.run(reads(60)) { $0.concurrency = 16 }
            try await Task.sleep(for: .seconds(1.5))  // let the server's bucket refill
            let limited = try await harness.run(reads(30)) { options in
                options.concurrency = 16
                options.api?.limits.requestsPerSecond = 8
            }
            #expect(unlimited.result.exitCode == .success)
            #expect(limited.result.exitCode == .success)
            let storm = try #require(unlimited.statistics?.rateLimited)
            let few = try #require(limited.statistics?.rateLimited)
            // How many 429s the unlimited run meets depends on the machine's speed and on how soon each backend's
            // lane learns from its first 429; that it meets some does not. The limited run stays under the bucket.
            #expect(storm >= 1)
            #expect(few <= 1)
            #expect(few < storm)
        }
    }
}
