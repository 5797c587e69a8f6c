// Micro-benchmarks of LuaKit, run by scripts/bench/luakit.sh:
//   cmo-bench binding [CALLS]      ns per call: no-op Swift binding, empty Lua function, Lua's own C function
//   cmo-bench json FILE [SECONDS]  json.decode throughput (MB/s) on FILE, through scripts/bench/json_decode.lua
//   cmo-bench waiters N [sleep|join]
//                                  memory per `parallel` worker that waits: N workers (concurrency N) each wait
//                                  in `sleep` (a Swift task each) or in `task:wait()` on one sleeping task (no
//                                  Swift task); prints the Lua heap and RSS growth per waiting worker
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
case "waiters":
    let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000
    let mode = arguments.dropFirst(2).first ?? "sleep"
    guard count > 0, mode == "sleep" || mode == "join" else { fail("usage: cmo-bench waiters N [sleep|join]") }
    await measureWaiters(count: count, mode: mode)
default:
    fail("usage: cmo-bench binding [CALLS] | json FILE [SECONDS] | waiters N [sleep|join]")
}

func formatted(_ value: Double) -> String {
    let scaled = (value * 10).rounded() / 10
    return "\(scaled)"
}

/// Bytes resident in memory now (the second field of /proc/self/statm, in pages), or 0 where unknown.
func residentBytes() -> Int {
    guard let statm = LuaSourceFile.read("/proc/self/statm") else { return 0 }
    let fields = String(decoding: statm, as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Runs `count` `parallel` workers that all wait at once and prints what each costs, measured by a task that
/// runs once every worker waits: Lua heap (`collectgarbage("count")` after a full collection) and RSS.
func measureWaiters(count: Int, mode: String) async {
    let state = makeState()
    let scheduler = LuaScheduler(state: state)
    state.openTasks(in: "tasks", defaultConcurrency: 1)
    state.register("rss_bytes") { call in call.return(.integer(Int64(residentBytes()))) }
    // The workers hold their wait this long; the measuring task checks every 10 ms whether all of them wait.
    let hold = 2.0 + Double(count) / 5_000
    let script = """
        local count, mode, hold = \(count), "\(mode)", \(hold)
        local function heap()
          collectgarbage("collect")
          collectgarbage("collect")
          return collectgarbage("count") * 1024
        end
        local function snapshot() return { heap = heap(), rss = rss_bytes() } end
        local items = {}
        for i = 1, count do items[i] = i end
        -- Warm up what the first parallel, sleep and wait allocate once.
        local warm = tasks.spawn(function() tasks.sleep(0) end)
        tasks.parallel({ 1, 2 }, function() warm:wait() tasks.sleep(0) end)
        local gate = mode == "join" and tasks.spawn(function() tasks.sleep(hold) end) or nil
        local before, during = snapshot(), nil
        local waiting, ended = 0, 0
        local measurer = tasks.spawn(function()
          while waiting < count do tasks.sleep(0.01) end
          if ended > 0 then error("workers ended before the measurement: raise the hold time") end
          during = snapshot()
        end)
        tasks.parallel(items, function()
          waiting = waiting + 1
          if gate then gate:wait() else tasks.sleep(hold) end
          ended = ended + 1
        end, { concurrency = count })
        measurer:wait()
        local function per(field) return (during[field] - before[field]) / count end
        return ("workers=%d wait=%s lua_heap_bytes_per_worker=%.0f rss_bytes_per_worker=%.0f"
          .. " lua_heap_total_bytes=%.0f rss_total_bytes=%.0f")
          :format(count, mode, per("heap"), per("rss"), during.heap - before.heap, during.rss - before.rss)
        """
    do {
        try state.load(Array(script.utf8), chunkName: "=waiters")
    } catch {
        fail(error.message)
    }
    _ = scheduler.start(main: 0)
    switch await scheduler.run() {
    case .finished(let values):
        print(values.first?.stringValue ?? "no result")
    case .failed(let error), .stopped(_, let error):
        fail(error.message)
    }
}
