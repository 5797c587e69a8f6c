// Micro-benchmarks of LuaKit, run by scripts/bench/luakit.sh:
//   cmo-bench binding [CALLS]      ns per call: no-op Swift binding, empty Lua function, Lua's own C function
//   cmo-bench json FILE [SECONDS]  json.decode throughput (MB/s) on FILE, through scripts/bench/json_decode.lua
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    var text = "cmo-bench: \(message)\n"
    _ = text.withUTF8 { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func makeState() -> LuaState {
    let state = LuaState(limits: .unlimited)
    state.openSandbox(LuaSandbox())
    state.openJSON()
    return state
}

func evaluate(_ state: LuaState, _ source: String) -> LuaValue {
    do {
        return try state.execute(source, chunkName: "=bench")
    } catch {
        fail(error.message)
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "binding":
    let calls = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
    let state = makeState()
    state.register("noop") { _ in .none }
    let loop = { (call: String) in
        """
        local f = \(call)
        local clock = os.clock
        local t0 = clock()
        for i = 1, \(calls) do f() end
        local t1 = clock()
        for i = 1, \(calls) do end
        local t2 = clock()
        return ((t1 - t0) - (t2 - t1)) * 1e9 / \(calls)
        """
    }
    func measure(_ call: String) -> Double {
        var samples: [Double] = []
        for _ in 0..<5 {
            guard case .number(let ns) = evaluate(state, loop(call)) else { fail("no result") }
            samples.append(ns)
        }
        return samples.sorted()[samples.count / 2]
    }
    let binding = measure("noop")
    let luaFunction = measure("function() end")
    let cFunction = measure("function() return rawlen('') end")
    print("binding_ns=\(formatted(binding)) lua_function_ns=\(formatted(luaFunction)) lua_c_function_ns=\(formatted(cFunction)) calls=\(calls)")
case "json":
    guard let path = arguments.dropFirst().first, let document = LuaSourceFile.read(path) else {
        fail("usage: cmo-bench json FILE [SECONDS]")
    }
    let seconds = arguments.dropFirst(2).first.flatMap { Double($0) } ?? 3
    guard let script = LuaSourceFile.read("scripts/bench/json_decode.lua") else {
        fail("run from the repository root (scripts/bench/json_decode.lua)")
    }
    let state = makeState()
    state.stack.push(bytes: document)
    state.stack.setGlobal("doc")
    _ = evaluate(state, "decode = json.decode seconds = \(seconds)")
    let result = evaluate(state, String(decoding: script, as: UTF8.self))
    print(result.stringValue ?? "\(result)")
default:
    fail("usage: cmo-bench binding [CALLS] | json FILE [SECONDS]")
}

func formatted(_ value: Double) -> String {
    let scaled = (value * 10).rounded() / 10
    return "\(scaled)"
}
