import CMOClient
import CMOSimulator
import Foundation
import Testing

@testable import CMOEngine

/// The engine on the API's dialects: terminate per backend, usage, satellite terminals in reports, listing
/// summaries, and outcomes that stay cheap to keep.
@Suite struct DialectBindingTests {
    static let fleet = SimulatorConfiguration(fleetSize: 400, seed: 3, asyncDelayMilliseconds: 20)

    @Test func terminateAsksForEachBackendsTerminationStatus() async throws {
        try await EngineHarness.with(Self.fleet) { harness in
            let tmus = try #require(harness.ids(status: "ACTIVE").first { $0.hasPrefix("TMUS-") })
            let jasper = try #require(harness.ids(status: "ACTIVE").first { $0.hasPrefix("JASPER-") })
            let run = try await harness.run("""
                for _, id in ipairs(\(EngineHarness.lua([tmus, jasper]))) do
                  local r = cmo.terminate(id)
                  print(r.state, r.from, r.to)
                end
                """)
            #expect(run.result.exitCode == .success, "\(run.result.errorReport ?? "")")
            #expect(run.output == ["changed\tACTIVE\tPENDING_TERMINATE", "changed\tACTIVE\tTERMINATED"])
            #expect(harness.simulator.product(id: tmus)?.status == "PENDING_TERMINATE")
            #expect(harness.simulator.product(id: jasper)?.status == "TERMINATED")
        }
    }

    @Test func usageIsFlatWithBytesAsIntegersOnEveryBackendShape() async throws {
        try await EngineHarness.with(Self.fleet) { harness in
            let tmsp = try #require(harness.ids(status: "ACTIVE").first { $0.hasPrefix("TMSP-") })
            let jasper = try #require(harness.ids(status: "ACTIVE").first { $0.hasPrefix("JASPER-") })
            let run = try await harness.run("""
                for _, id in ipairs(\(EngineHarness.lua([tmsp, jasper]))) do
                  local u = cmo.usage(id)
                  print(math.type(u.data_bytes), u.sms ~= nil, u.voice_seconds ~= nil, u.last_day_data_bytes ~= nil,
                    u.data_limit_bytes ~= nil, u.period_start ~= nil, u.id:sub(-17))
                end
                """)
            #expect(run.result.exitCode == .success, "\(run.result.errorReport ?? "")")
            #expect(run.output == [
                "integer\ttrue\ttrue\ttrue\ttrue\ttrue\t-usageVolume-data",
                "integer\tfalse\tfalse\tfalse\tfalse\ttrue\t-usageVolume-data",
            ])
        }
    }

    @Test func aSatelliteChangeIsReportedByItsTerminalsSerialNumber() async throws {
        try await EngineHarness.with(Self.fleet) { harness in
            let terminal = try #require(harness.ids(status: "INACTIVE", cellular: false).first)
            let run = try await harness.run("""
                local r = cmo.activate("\(terminal)")
                print(r.state, r.iccid)
                """)
            #expect(run.result.exitCode == .success, "\(run.result.errorReport ?? "")")
            let serial = try #require(BackendCatalogue.identifier(ofProductID: terminal))
            #expect(run.output == ["changed\t\(serial)"])
            #expect(run.report.records.first?.iccid == serial)
        }
    }

    @Test func listingRowsAreSummariesTheHelpersRead() async throws {
        try await EngineHarness.with(Self.fleet) { harness in
            let run = try await harness.run("""
                local seen = {}
                for p in cmo.list() do
                  if p.connectivityType == "SATELLITE" and not seen.satellite then
                    seen.satellite = true
                    print("satellite", cmo.serial(p) ~= nil, cmo.iccid(p), cmo.backend(p) == p.system, p.productRelationship)
                  elseif p.connectivityType == "CELLULAR" and not seen.cellular then
                    seen.cellular = true
                    print("cellular", cmo.iccid(p) == p.ICCID, cmo.backend(p) == p.system, p.relatedParty[1].role)
                    print(select(2, cmo.try(cmo.sim, p)).message:match("has no sub%-products") ~= nil)
                  end
                end
                """)
            #expect(run.result.exitCode == .success, "\(run.result.errorReport ?? "")")
            #expect(Set(run.output) == ["satellite\ttrue\tnil\ttrue\tnil", "cellular\ttrue\ttrue\tcustomer", "true"])
        }
    }

    @Test func anOutcomeKeepsItsProductAsTextUntilReadAndAMonitorCompact() async throws {
        try await EngineHarness.with(Self.fleet) { harness in
            let syncs = harness.ids(status: "INACTIVE", async: false).filter { $0.hasPrefix("TMUS-") }
            try #require(syncs.count >= 2)
            let (sync, other) = (syncs[0], syncs[1])
            let async = try #require(harness.ids(status: "INACTIVE", async: true).first)
            let run = try await harness.run("""
                local r = cmo.activate("\(sync)")
                print(rawget(r, "product") == nil, r.product.id == "\(sync)-simCard", rawget(r, "product") ~= nil)
                local keys = {}
                for k in pairs(cmo.activate("\(other)")) do keys[#keys + 1] = k end
                table.sort(keys)
                print(table.concat(keys, ","))
                local a = cmo.activate("\(async)")
                local fields = {}
                for k in pairs(a.monitor) do fields[#fields + 1] = k end
                table.sort(fields)
                print(a.state, table.concat(fields, ","), a.product)
                """)
            #expect(run.result.exitCode == .success, "\(run.result.errorReport ?? "")")
            #expect(run.output == [
                "true\ttrue\ttrue",
                "async,from,iccid,id,product,state,to",
                "changed\thref,id,reason,sourceHref,state\tnil",
            ])
        }
    }

    @Test func aBackendsFileOnTheClientDecidesTheDryRunsPredictionsAndTerminate() async throws {
        try await EngineHarness.with(Self.fleet) { harness in
            let tmus = try #require(harness.ids(status: "INACTIVE", async: false).first { $0.hasPrefix("TMUS-") })
            let active = try #require(harness.ids(status: "ACTIVE").first { $0.hasPrefix("TMUS-") })
            let backends = try BackendCatalogue.standard.overridden(byTOML: """
                [backends.TMUS]
                transitions = ["ACTIVE -> SUSPENDED", "SUSPENDED -> ACTIVE", "ACTIVE -> TERMINATED"]
                termination_status = "TERMINATED"
                """)
            let run = try await harness.run("""
                local ok, err = cmo.try(cmo.activate, "\(tmus)")
                print(ok, err.kind)
                print(cmo.terminate("\(active)").to)
                """) { options in
                options.dryRun = true
                options.api?.backends = backends
            }
            #expect(run.output == ["false\trefused", "TERMINATED"])
        }
    }
}
