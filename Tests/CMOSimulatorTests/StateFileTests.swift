import CMOSimulator
import Foundation
import NIOHTTP1
import Testing

/// `--state FILE`: a restarted simulator resumes its fleet, counters and monitors.
@Suite struct StateFileTests {
    @Test func restartedSimulatorResumesFleetAndMonitors() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cmo-sim-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let configuration = SimulatorConfiguration(fleetSize: 100, seed: 4, asyncDelayMilliseconds: 600_000, statePath: path)
        let (syncID, asyncProduct, monitorID) = try await SimulatorHarness.with(configuration) { h in
            let token = try await h.token()
            let sync = try h.product { !$0.isAsynchronous && $0.status == "INACTIVE" }
            let async = try h.product { $0.isAsynchronous && $0.status == "INACTIVE" }
            #expect(try await h.patch(sync.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token).status == 200)
            let accepted = try await h.patch(async.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            return (sync.id, async, try #require(accepted.json["id"] as? String))
        }
        // A different seed and size: the file's fleet wins.
        var restarted = configuration
        restarted.seed = 99
        restarted.fleetSize = 5
        try await SimulatorHarness.with(restarted) { h in
            #expect(h.sim.products.count == 100)
            #expect(h.sim.product(id: syncID)?.status == "ACTIVE")
            #expect(h.sim.product(id: asyncProduct.id)?.status == "PENDING_ACTIVE")
            #expect(h.sim.appliedChanges[syncID] == 1)
            let token = try await h.token()
            let monitor = try await h.get("monitor/" + monitorID, token: token)
            #expect(monitor.status == 200)
            #expect(monitor.json["state"] as? String == "InProgress")
            let again = try await h.patch(asyncProduct.statusSubProductID, SimulatorHarness.statusPatch("ACTIVE"), token: token)
            #expect(again.status == 409)
        }
    }

    @Test func unreadableStateFileFailsToStart() async throws {
        let configuration = SimulatorConfiguration(fleetSize: 10, statePath: "/nonexistent-dir/x/state.sqlite")
        await #expect(throws: SimulatorError.self) {
            _ = try await CMOSimulator.start(configuration, logger: SimulatorHarness.logger)
        }
    }
}
