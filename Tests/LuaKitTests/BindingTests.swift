import Testing
import LuaKit

/// A Swift error that reaches Lua as an error value.
struct ServerError: LuaErrorConvertible {
    var luaErrorKind: String { "http" }
    var luaErrorMessage: String { "Not Found: Product with iccid 8949 not found (HTTP 404, correlation id c-1)" }
    var luaErrorFields: [String: LuaValue] {
        ["status": 404, "detail": "Product with iccid 8949 not found", "correlation_id": "c-1", "retryable": false]
    }
}

/// Registers a small `host` module exercising argument checks.
func installHost(_ state: LuaState) {
    let functions: [String: LuaFunction] = [
        "product": { call in
            let id = try call.string(1)
            return call.return(.string("product " + id))
        },
        "list": { call in
            let options = try call.options(1, allowed: ["page_size", "fields", "where"])
            let size = try options.integer("page_size") ?? 100
            let fields = try options.strings("fields") ?? []
            return call.return(.array([.integer(size), .array(fields.map { .string($0) })]))
        },
        "count": { call in call.return(.integer(try call.integer(1))) },
        "fail": { _ in throw ServerError() },
        "noop": { _ in .none },
        "later": { call in
            let value = try call.integer(1)
            return try call.suspend(.async { LuaResults([.integer(value * 2)]) })
        },
        "later_fail": { call in try call.suspend(.async { throw ServerError() }) },
    ]
    state.register(module: "host", functions)
}

@Suite struct BindingTests {
    private func failure(_ source: String) async -> String? {
        let (outcome, _) = await runScript(source, chunkName: "workflow.lua") { state, _ in installHost(state) }
        return failureMessage(outcome)
    }

    @Test func wrongArgumentsRaiseLuasOwnWordingAtTheCallersLine() async {
        #expect(await failure("\n\nhost.product(nil)") == "workflow.lua:3: bad argument #1 to 'product' (string expected, got nil)")
        #expect(await failure("host.product()") == "workflow.lua:1: bad argument #1 to 'product' (string expected, got no value)")
        #expect(await failure("host.product(8949)") == "workflow.lua:1: bad argument #1 to 'product' (string expected, got number)")
        #expect(await failure("host.count(1.5)") == "workflow.lua:1: bad argument #1 to 'count' (number has no integer representation)")
        #expect(await failure("host.count('1')") == "workflow.lua:1: bad argument #1 to 'count' (number expected, got string)")
    }

    @Test func optionTablesAreCheckedFieldByField() async {
        #expect(await failure("host.list{page_size = 'x'}") == "workflow.lua:1: bad argument #1 to 'list' (field 'page_size': integer expected, got string)")
        #expect(await failure("host.list{pagesize = 10}") == "workflow.lua:1: bad argument #1 to 'list' (invalid option 'pagesize')")
        #expect(await failure("host.list{fields = {1}}") == "workflow.lua:1: bad argument #1 to 'list' (field 'fields': array of strings expected)")
        #expect(await failure("host.list(5)") == "workflow.lua:1: bad argument #1 to 'list' (table expected, got number)")
    }

    @Test func validCallsReturnValues() async {
        let (outcome, _) = await runScript(
            "local a = host.list{page_size = 5, fields = {'id'}} local b = host.list() return host.product('x'), a, b"
        ) { state, _ in installHost(state) }
        #expect(returned(outcome) == ["product x", [5, ["id"]], [100, []]])
    }

    @Test func swiftErrorsBecomeErrorValuesThatReadWell() async {
        let (outcome, _) = await runScript("""
            local ok, err = pcall(host.fail)
            return ok, err.kind, err.status, err.correlation_id, err.retryable, tostring(err)
            """) { state, _ in installHost(state) }
        #expect(returned(outcome) == [
            false, "http", 404, "c-1", false,
            "script.lua:1: Not Found: Product with iccid 8949 not found (HTTP 404, correlation id c-1)",
        ])
    }

    @Test func asynchronousErrorsRaiseAtTheWaitingCall() async {
        let (outcome, _) = await runScript("""
            local x = host.later(21)
            local ok, err = pcall(host.later_fail)
            return x, ok, err.kind, tostring(err)
            """) { state, _ in installHost(state) }
        #expect(returned(outcome) == [
            42, false, "http", "script.lua:2: Not Found: Product with iccid 8949 not found (HTTP 404, correlation id c-1)",
        ])
    }

    @Test func uncaughtErrorsCarryPlaceAndTraceback() async {
        let (outcome, _) = await runScript("local function f()\n  error('boom')\nend\nf()", chunkName: "w.lua")
        guard case .failed(let error) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(error.message == "w.lua:2: boom")
        #expect(error.traceback?.contains("stack traceback:") == true)
        #expect(error.traceback?.contains("w.lua:2: in ") == true)
        #expect(error.traceback?.contains("w.lua:4: in main chunk") == true)
    }

    @Test func uncaughtErrorValuesKeepTheirFields() async {
        let (outcome, _) = await runScript("host.fail()") { state, _ in installHost(state) }
        guard case .failed(let error) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.message == "script.lua:1: Not Found: Product with iccid 8949 not found (HTTP 404, correlation id c-1)")
        #expect(error.value["status"] == 404)
    }

    @Test func syntaxErrorsReportFileAndLine() async {
        let (outcome, _) = await runScript("local x = \nlocal = 3", chunkName: "bad.lua")
        guard case .failed(let error) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .syntax)
        #expect(error.message == "bad.lua:2: unexpected symbol near 'local'")
    }

    @Test func printGoesThroughTheHost() async {
        let (_, output) = await runScript("print('a', 1, 2.5, nil, true, json.null)")
        #expect(output == ["a\t1\t2.5\tnil\ttrue\tnull"])
    }
}
