import CMOClient
import CMOJournal
import CMOSimulator
import Testing

@testable import CMOEngine

/// One request per change where the run knows the SIM's status; a read only where it does not, or where the
/// status it knew was stale.
@Suite struct KnownStatusTests {
    @Test func listedSIMsAreChangedWithOneRequestEachUnknownOnesCostARead() async throws {
        try await EngineHarness.with { harness in
            let inactive = harness.ids(status: "INACTIVE")
            let sync = harness.ids(status: "INACTIVE", async: false).count
            #expect(inactive.count >= 5)
            let listed = try await harness.run("""
                local ids = {}
                for p in cmo.list{ where = { status = "INACTIVE", connectivity_type = "CELLULAR" }, read_ahead = 1 } do
                  ids[#ids + 1] = p.id
                end
                local results = cmo.parallel(ids, function(id) return cmo.activate(id, { wait = false }) end)
                print(#ids, results[1].from)
                """)
            #expect(listed.output == ["\(inactive.count)\tINACTIVE"])
            // One page of 60 products (100 a page), then one PATCH per SIM.
            #expect(listed.statistics?.requests == 1 + inactive.count)
            // Without a read, the ICCID comes from the product id (the CMO names products BACKEND-ICCID).
            #expect(listed.report.records.allSatisfy { record in
                record.iccid != nil && record.iccid == harness.simulator.product(id: record.productID)?.identifier
            })
            // Synchronous SIMs changed, asynchronous ones accepted (their monitors were not waited for).
            #expect(listed.report.counts == [.changed: sync, .accepted: inactive.count - sync])

            let suspended = harness.ids(status: "SUSPENDED")
            let unknown = try await harness.run("""
                cmo.parallel(\(EngineHarness.lua(suspended)), function(id) return cmo.activate(id, { wait = false }) end)
                """)
            #expect(unknown.statistics?.requests == 2 * suspended.count)
            #expect(unknown.report.records.allSatisfy { $0.from == "SUSPENDED" })
        }
    }

    @Test func aProductTablePassedInIsTrustedButTested() async throws {
        try await EngineHarness.with { harness in
            let id = try #require(harness.ids(status: "INACTIVE", async: false).first)
            // The table says SUSPENDED; the SIM is INACTIVE: the test fails (409), the change reads and goes on.
            let run = try await harness.run("""
                local o = cmo.activate({ id = "\(id)", status = "SUSPENDED" })
                print(o.state, o.from)
                local again = cmo.activate(cmo.product("\(id)"))
                print(again.state)
                """)
            #expect(run.output == ["changed\tINACTIVE", "unchanged"])
            // PATCH (409), read, PATCH; then the read of cmo.product, and no request for the unchanged one.
            #expect(run.statistics?.requests == 4)
            #expect(harness.simulator.appliedChanges == [id: 1])
        }
    }

    @Test func badSubjectsAreArgumentErrors() async throws {
        try await EngineHarness.with { harness in
            let run = try await harness.run("cmo.activate({ status = 'ACTIVE' })")
            #expect(run.result.errorReport?.hasPrefix("workflow.lua:1: bad argument #1 to 'activate' (product table without a string 'id')") == true)
            let missing = try await harness.run("cmo.activate(nil)")
            #expect(missing.result.errorReport?.hasPrefix("workflow.lua:1: bad argument #1 to 'activate' (string or product expected, got nil)") == true)
        }
    }

    /// The case: a flaky asynchronous backend (5xx answers that did nothing, dropped connections) where a
    /// retried PATCH meets "a change of that SIM is in progress": the first attempt was applied, so the change is
    /// watched to its end instead of failing.
    @Test func aConflictAfterAnAmbiguousAttemptIsWatchedToItsEnd() async throws {
        let configuration = SimulatorConfiguration(
            fleetSize: 300, seed: 4, asyncDelayMilliseconds: 400, faultRate: 0.1, dropRate: 0.02)
        try await EngineHarness.with(configuration) { harness in
            let inactive = harness.ids(status: "INACTIVE")
            let run = try await harness.run("""
                local ids = {}
                for p in cmo.list{ where = { status = "INACTIVE", connectivity_type = "CELLULAR" } } do ids[#ids + 1] = p.id end
                local _, failures = cmo.parallel(ids, function(id) return cmo.activate(id) end)
                print(#ids, failures)
                """)
            #expect(run.output == ["\(inactive.count)\t0"])
            #expect(run.result.exitCode == .success)
            #expect(run.report.counts == [.changed: inactive.count])
            for id in inactive {
                #expect(harness.simulator.product(id: id)?.status == "ACTIVE")
                #expect(harness.simulator.appliedChanges[id] == 1)
            }
        }
    }
}
