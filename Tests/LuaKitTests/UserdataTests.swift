import Testing
import LuaKit

final class Counter {
    var value = 0
    var closed = false
    var onCollect: (() -> Void)?
}

final class Flag {
    var isSet = false
}

nonisolated(unsafe) let counterType = LuaUserdataType<Counter>(
    name: "counter",
    methods: [
        "add": { call, counter in
            counter.value += Int(try call.integer(2))
            return call.return(.integer(Int64(counter.value)))
        }
    ],
    describe: { "counter (\($0.value))" },
    close: { $0.closed = true },
    collect: { $0.onCollect?() }
)

@Suite struct UserdataTests {
    private func run(_ source: String, counter: Counter) async -> LuaRunOutcome {
        await runScript(source) { state, _ in
            state.define(counterType)
            state.stack.push(counter, as: counterType)
            state.stack.setGlobal("c")
        }.outcome
    }

    @Test func handlesHaveNameMethodsAndToString() async {
        let counter = Counter()
        let outcome = await run("c:add(2) return c:add(3), tostring(c)", counter: counter)
        #expect(returned(outcome) == [5, "counter (5)"])
    }

    @Test func wrongSelfUsesTheTypeName() async {
        let counter = Counter()
        let outcome = await run("c.add(42, 1)", counter: counter)
        #expect(failureMessage(outcome) == "script.lua:1: bad argument #1 to 'add' (counter expected, got number)")
        let other = await run("host = {} ; return json.encode(c)", counter: counter)
        #expect(failureMessage(other) == "script.lua:1: bad argument #1 to 'encode' (cannot convert a counter)")
    }

    @Test func closeKillsTheHandle() async {
        let counter = Counter()
        let outcome = await run("do local h <close> = c end return tostring(c), pcall(c.add, c, 1)", counter: counter)
        #expect(counter.closed)
        guard let values = returned(outcome), values.count == 3 else {
            Issue.record("unexpected \(outcome)")
            return
        }
        #expect(values[0] == "counter (closed)")
        #expect(values[1] == false)
        // Called through pcall, as with luaL_error, the message has no place: level 1 is pcall itself.
        #expect(values[2] == "attempt to use a closed counter")
    }

    @Test func garbageCollectionCallsCollectAndReleasesTheObject() async {
        let flag = Flag()
        weak var released: Counter?
        do {
            let counter = Counter()
            counter.onCollect = { flag.isSet = true }
            released = counter
            let outcome = await runScript("c = nil collectgarbage() collectgarbage() return collected()") { state, _ in
                state.define(counterType)
                state.stack.push(counter, as: counterType)
                state.stack.setGlobal("c")
                state.register("collected") { call in call.return(.boolean(flag.isSet)) }
            }.outcome
            #expect(returned(outcome) == [true])
        }
        #expect(released == nil)
    }
}
