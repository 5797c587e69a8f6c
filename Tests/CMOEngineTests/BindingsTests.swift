import CMOJournal
import CMOSimulator
import Foundation
import Testing

@testable import CMOEngine

@Suite struct BindingsTests {
    @Test func productAndHelpersReadTheBundle() async throws {
        try await EngineHarness.with { harness in
            let sync = try #require(harness.ids(status: "INACTIVE", async: false).first)
            let product = try #require(harness.simulator.product(id: sync))
            let run = try await harness.run("""
                local p = cmo.product("\(sync)")
                print(p.id, p.isBundle, cmo.backend(p), cmo.is_async(p), cmo.iccid(p), cmo.sim(p).status,
                      cmo.characteristic(cmo.sim(p), "ICCID") == cmo.iccid(p), math.type(p.productRelationship and 1))
                """)
            #expect(run.result.exitCode == .success)
            #expect(run.output == ["\(sync)\ttrue\t\(product.backend.rawValue)\tfalse\t\(product.identifier)\tINACTIVE\ttrue\tinteger"])
        }
    }

    /// An outcome keeps its product and its monitor as text until read; json.encode still writes them (it reads
    /// tables raw), in an outcome at the top or deep in a list, pairs sees them, and an error in json.encode still
    /// names the script's line.
    @Test func anOutcomesProductAndMonitorAreThereWithoutHavingBeenRead() async throws {
        try await EngineHarness.with { harness in
            let sync = try #require(harness.ids(status: "INACTIVE", async: false).first)
            let asyncIDs = harness.ids(status: "INACTIVE", async: true)
            try #require(asyncIDs.count >= 2)
            let (async, other) = (asyncIDs[0], asyncIDs[1])
            let run = try await harness.run("""
                local outcome = cmo.activate("\(sync)")
                local alone = json.decode(json.encode(outcome))
                print(alone.state, alone.product and alone.product.status)
                local waited = cmo.activate("\(async)", { wait = true })
                local listed = json.decode(json.encode({ { outcome }, { waited } }))
                print(listed[1][1].product.id == outcome.product.id, listed[2][1].monitor.state)
                local keys = {}
                for key in pairs(cmo.activate("\(other)")) do keys[#keys + 1] = key end
                table.sort(keys)
                print(table.concat(keys, ","), waited.monitor.id ~= nil, waited.monitor.sourceHref ~= nil)
                json.encode({ f = print })
                """)
            #expect(run.output == [
                "changed\tACTIVE", "true\tCompleted", "async,from,iccid,id,monitor,state,to\ttrue\ttrue",
            ])
            #expect(run.result.errorReport?.hasPrefix("workflow.lua:11:") == true, "\(run.result.errorReport ?? "")")
        }
    }

    @Test func wrongArgumentsUseLuasWording() async throws {
        try await EngineHarness.with { harness in
            let cases: [(String, String)] = [
                ("cmo.product(nil)", "workflow.lua:1: bad argument #1 to 'product' (string expected, got nil)"),
                ("cmo.list{page_size = '10'}", "workflow.lua:1: bad argument #1 to 'list' (field 'page_size': integer expected, got string)"),
                ("cmo.list{pagesize = 10}", "workflow.lua:1: bad argument #1 to 'list' (invalid option 'pagesize')"),
                ("cmo.list{read_ahead = 0}", "workflow.lua:1: bad argument #1 to 'list' (field 'read_ahead': must be at least 1)"),
                ("cmo.set_status('x', 'ACTIVE', {onlyif = 'INACTIVE'})", "workflow.lua:1: bad argument #3 to 'set_status' (invalid option 'onlyif')"),
                ("cmo.activate('x', {wait = 'yes'})", "workflow.lua:1: bad argument #2 to 'activate' (field 'wait': boolean expected, got string)"),
                ("cmo.patch('x', {})", "workflow.lua:1: bad argument #2 to 'patch' (non-empty array of operations expected)"),
                ("cmo.find('8949')", "workflow.lua:1: bad argument #1 to 'find' (table expected, got string)"),
                ("cmo.await_monitor(42)", "workflow.lua:1: bad argument #1 to 'await_monitor' (monitor or string expected, got number)"),
            ]
            for (source, message) in cases {
                let run = try await harness.run(source)
                #expect(run.result.exitCode == .scriptError)
                #expect(run.result.errorReport?.hasPrefix(message + "\n") == true, "\(source): \(run.result.errorReport ?? "")")
            }
        }
    }

    @Test func listIteratesLazilyAndFiltersOnTheClientSide() async throws {
        try await EngineHarness.with(SimulatorConfiguration(fleetSize: 230)) { harness in
            let inactive = harness.simulator.products.filter { $0.status == "INACTIVE" && $0.connectivityType == .cellular }
            let run = try await harness.run("""
                local n, ids = 0, {}
                for p in cmo.list{fields = {"id", "status"}, page_size = 25, where = {status = "INACTIVE", connectivity_type = "CELLULAR"}} do
                  n = n + 1
                  ids[#ids + 1] = p.id
                end
                local all = cmo.list_all{page_size = 100}
                print(n, #all, ids[1])
                """)
            #expect(run.result.exitCode == .success)
            #expect(run.output == ["\(inactive.count)\t230\t\(inactive[0].id)"])
        }
    }

    @Test func parallelWorkersShareOneListing() async throws {
        try await EngineHarness.with(SimulatorConfiguration(fleetSize: 120)) { harness in
            let run = try await harness.run("""
                local seen, count = {}, 0
                cmo.parallel(cmo.list{page_size = 10}, function(p)
                  if seen[p.id] then error("twice: " .. p.id) end
                  seen[p.id] = true
                  count = count + 1
                end, {concurrency = 8})
                print(count)
                """)
            #expect(run.result.exitCode == .success)
            #expect(run.output == ["120"])
        }
    }

    @Test func findReturnsHitsAndMisses() async throws {
        try await EngineHarness.with { harness in
            let known = harness.simulator.products.filter { $0.connectivityType == .cellular }.prefix(2).map(\.identifier)
            let run = try await harness.run("""
                local products, misses = cmo.find({"\(known[0])", "89000000000000000000", "\(known[1])"})
                print(#products, #misses, misses[1], cmo.iccid(products[1]) == "\(known[0])" or cmo.iccid(products[2]) == "\(known[0])")
                """)
            #expect(run.result.exitCode == .success)
            #expect(run.output == ["2\t1\t89000000000000000000\ttrue"])
        }
    }

    @Test func errorsAreValuesWithTheProblemsFields() async throws {
        try await EngineHarness.with { harness in
            let run = try await harness.run("""
                local ok, err = cmo.try(cmo.product, "JASPER-0000")
                print(ok, err.kind, err.status, err.retryable, type(err.correlation_id), err.detail)
                print(tostring(err):match("workflow.lua:1: Error: Product with id JASPER%-0000 not found %(HTTP 404, correlation id ") ~= nil)
                local ok2, err2 = cmo.try(function() error("plain") end)
                print(ok2, err2.kind, err2.message)
                """)
            #expect(run.result.exitCode == .success)
            #expect(run.output == [
                "false\thttp\t404\tfalse\tstring\tProduct with id JASPER-0000 not found", "true",
                "false\terror\tworkflow.lua:4: plain",
            ])
        }
    }

    @Test func scriptsWithoutAnAPIFailClearlyWhenTheyUseIt() async throws {
        try await EngineHarness.with { harness in
            let run = try await harness.run("cmo.product('x')") { options in
                options.api = nil
                options.apiUnavailable = "no CMO API is configured"
            }
            #expect(run.result.errorReport?.hasPrefix("workflow.lua:1: no CMO API is configured\n") == true)
        }
    }

    @Test func inputsAreReadAsCSVRowsOrLines() async throws {
        try await EngineHarness.with { harness in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("in-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let csv = directory.appendingPathComponent("sims.csv")
            let text = directory.appendingPathComponent("ids.txt")
            try "iccid,note\n8949000000000000001,a\n8949000000000000002,b\n".write(to: csv, atomically: true, encoding: .utf8)
            try " one \n\ntwo\n".write(to: text, atomically: true, encoding: .utf8)
            let run = try await harness.run("""
                local rows = cmo.input("sims")
                local lines = cmo.input("ids")
                print(#rows, rows[2].iccid, #lines, lines[1], lines[2])
                print(select(2, cmo.try(function() local rows = cmo.input("nope") return rows end)).message)
                """) { options in options.inputs = ["sims": csv.path, "ids": text.path] }
            #expect(run.output == [
                "2\t8949000000000000002\t2\tone\ttwo",
                "workflow.lua:4: no input named 'nope': give it with --input nope=PATH (inputs given: ids, sims)",
            ])
        }
    }
}
