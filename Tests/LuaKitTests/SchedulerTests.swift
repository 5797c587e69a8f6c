import Foundation
import Testing
import LuaKit

@Suite struct SchedulerTests {
    @Test func sleepYieldsSoTasksInterleave() async {
        let (outcome, output) = await runScript("""
            local a = cmo.spawn(function() print("a1") cmo.sleep(0.02) print("a2") end)
            local b = cmo.spawn(function() print("b1") cmo.sleep(0.001) print("b2") end)
            cmo.wait_all({a, b})
            print("done")
            """)
        #expect(returned(outcome) == [])
        #expect(output == ["a1", "b1", "b2", "a2", "done"])
    }

    @Test func waitReturnsResultsAndReraisesErrors() async {
        let (outcome, _) = await runScript("""
            local t = cmo.spawn(function(x, y) cmo.sleep(0) return x + y, "sum" end, 2, 3)
            local bad = cmo.spawn(function() cmo.sleep(0) error("nope") end)
            local s, label = t:wait()
            local ok, err = pcall(bad.wait, bad)
            return s, label, ok, err, t:status(), bad:status()
            """)
        #expect(returned(outcome) == [5, "sum", false, "script.lua:2: nope", "succeeded", "failed"])
    }

    @Test func waitAllReturnsFirstResultsAndRaisesTheFirstError() async {
        let (outcome, _) = await runScript("""
            local tasks = {}
            for i = 1, 5 do tasks[i] = cmo.spawn(function() cmo.sleep(0.001 * (6 - i)) return i * i end) end
            local squares = cmo.wait_all(tasks)
            local ok, err = pcall(cmo.wait_all, { cmo.spawn(function() error({code = 7}) end) })
            return squares, ok, err.code
            """)
        #expect(returned(outcome) == [[1, 4, 9, 16, 25], false, 7])
    }

    @Test func parallelKeepsInputOrderAndCapsConcurrency() async {
        let (outcome, _) = await runScript("""
            local in_flight, peak = 0, 0
            local items = {}
            for i = 1, 20 do items[i] = i end
            local results, failures = cmo.parallel(items, function(item, index)
              in_flight = in_flight + 1
              if in_flight > peak then peak = in_flight end
              cmo.sleep(0.001 * (item % 3))
              in_flight = in_flight - 1
              return item * 10 + index
            end, {concurrency = 3})
            return results, failures, peak
            """)
        let expected = (1...20).map { LuaValue.integer(Int64($0 * 11)) }
        #expect(returned(outcome) == [.array(expected), 0, 3])
    }

    @Test func parallelDefaultsToTheRunsConcurrency() async {
        let (outcome, _) = await runScript("""
            local in_flight, peak = 0, 0
            local items = {}
            for i = 1, 10 do items[i] = i end
            cmo.parallel(items, function()
              in_flight = in_flight + 1
              if in_flight > peak then peak = in_flight end
              cmo.sleep(0.001)
              in_flight = in_flight - 1
            end)
            return peak
            """)
        #expect(returned(outcome) == [4])
    }

    @Test func parallelReturnsErrorsInTheirSlots() async {
        let (outcome, _) = await runScript("""
            local results, failures = cmo.parallel({1, 2, 3}, function(item)
              cmo.sleep(0)
              if item == 2 then error("bad item") end
              return item
            end)
            return results[1], cmo.is_error(results[2]), results[2].message, results[3], failures
            """)
        #expect(returned(outcome) == [1, true, "script.lua:3: bad item", 3, 1])
    }

    @Test func parallelFailFastStopsStartingItems() async {
        let (outcome, _) = await runScript("""
            local started = 0
            local items = {}
            for i = 1, 50 do items[i] = i end
            local results, failures = cmo.parallel(items, function(item)
              started = started + 1
              cmo.sleep(0)
              error("always")
            end, {concurrency = 2, fail_fast = true})
            return started, failures
            """)
        #expect(returned(outcome) == [2, 2])
    }

    @Test func parallelTakesIterators() async {
        let (outcome, _) = await runScript("""
            local n = 0
            local function numbers() n = n + 1 if n <= 5 then return n end end
            local results = cmo.parallel(numbers, function(item) cmo.sleep(0) return -item end)
            return results
            """)
        #expect(returned(outcome) == [[-1, -2, -3, -4, -5]])
    }

    @Test func parallelChecksItsArguments() async {
        #expect(failureMessage(await runScript("cmo.parallel(nil, print)").outcome)
            == "script.lua:1: bad argument #1 to 'parallel' (table or function expected, got nil)")
        #expect(failureMessage(await runScript("cmo.parallel({}, print, {concurency = 2})").outcome)
            == "script.lua:1: bad argument #3 to 'parallel' (invalid option 'concurency')")
        #expect(failureMessage(await runScript("cmo.parallel({}, print, {concurrency = '2'})").outcome)
            == "script.lua:1: bad argument #3 to 'parallel' (field 'concurrency': integer expected, got string)")
    }

    @Test func waitingBindingsWorkInsideTheScriptsOwnCoroutines() async {
        let (outcome, _) = await runScript("""
            local gen = coroutine.wrap(function()
              for i = 1, 3 do
                cmo.sleep(0)
                coroutine.yield(i)
              end
            end)
            local co = coroutine.create(function(a) cmo.sleep(0) local b = coroutine.yield(a + 1) cmo.sleep(0) return b * 2 end)
            local _, first = coroutine.resume(co, 1)
            local _, second = coroutine.resume(co, 10)
            return gen(), gen(), gen(), first, second, coroutine.status(co)
            """)
        #expect(returned(outcome) == [1, 2, 3, 2, 20, "dead"])
    }

    @Test func yieldingWhereLuaCannotIsAClearError() async {
        let (outcome, _) = await runScript("table.sort({3, 2, 1}, function(a, b) cmo.sleep(0) return a < b end)")
        #expect(failureMessage(outcome)
            == "script.lua:1: 'sleep' cannot wait here: attempt to yield across a C-call boundary (called from a metamethod, iterator or callback that Lua runs from C)")
    }

    @Test func yieldOutsideACoroutineIsLuasError() async {
        let (outcome, _) = await runScript("coroutine.yield(1)")
        #expect(failureMessage(outcome) == "script.lua:1: attempt to yield from outside a coroutine")
    }

    @Test func aTaskCannotResumeAnothersThread() async {
        let (outcome, _) = await runScript("""
            local thread
            local t = cmo.spawn(function() thread = coroutine.running() cmo.sleep(0.01) end)
            cmo.sleep(0)
            local ok, message = coroutine.resume(thread)
            t:wait()
            return ok, message
            """)
        #expect(returned(outcome) == [false, "cannot resume a task's own thread"])
    }

    @Test func waitingForItselfOrInACycleFails() async {
        let me = await runScript("local t t = cmo.spawn(function() cmo.sleep(0) t:wait() end) t:wait()")
        #expect(failureMessage(me.outcome) == "script.lua:1: a task cannot wait for itself")
        let cycle = await runScript("""
            local a, b
            a = cmo.spawn(function() cmo.sleep(0) b:wait() end)
            b = cmo.spawn(function() cmo.sleep(0) a:wait() end)
            a:wait()
            """)
        #expect(failureMessage(cycle.outcome)?.hasSuffix("deadlock: every task is waiting for another task") == true)
    }

    @Test func unhandledTaskErrorsFailTheRun() async {
        let (outcome, _) = await runScript("cmo.spawn(function() cmo.sleep(0) error('lost') end)")
        #expect(failureMessage(outcome) == "script.lua:1: lost")
    }

    @Test func theRunWaitsForSpawnedTasks() async {
        let (outcome, output) = await runScript("cmo.spawn(function() cmo.sleep(0.01) print('late') end) print('main')")
        #expect(returned(outcome) == [])
        #expect(output == ["main", "late"])
    }

    @Test func timeoutStopsTheRunAndCancelsWaits() async {
        let (outcome, output) = await runScript("""
            local ok, err = pcall(cmo.sleep, 60)
            print(ok, err.kind)
            """, timeout: 0.05)
        guard case .stopped(let reason, _) = outcome else {
            Issue.record("expected a stop, got \(outcome)")
            return
        }
        #expect(reason == .timeout(seconds: 0.05))
        #expect(output == ["false\tcancelled"])
    }

    @Test func theControlStopsARunFromOutside() async {
        let (outcome, _) = await runScript("cmo.spawn(function() cmo.sleep(60) end) stop() cmo.sleep(60)") { state, scheduler in
            let control = scheduler.control
            state.register("stop") { _ in
                control.stop(.requested("interrupted by SIGINT"))
                return .none
            }
        }
        guard case .stopped(let reason, let error) = outcome else {
            Issue.record("expected a stop, got \(outcome)")
            return
        }
        #expect(reason == .requested("interrupted by SIGINT"))
        #expect(error.message == "interrupted by SIGINT")
    }

    /// A loop that never waits is interrupted at a hook tick once the time is up (the instruction budget, some
    /// seconds of work, only keeps a broken build from hanging the test).
    @Test func aTimeoutInterruptsCodeThatNeverWaits() async {
        let (outcome, _) = await runScript(
            "local n = 0\nwhile true do\n  n = n + 1\nend", limits: LuaLimits(instructionLimit: 20_000_000_000),
            timeout: 0.05)
        guard case .stopped(let reason, let error) = outcome else {
            Issue.record("expected a stop, got \(outcome)")
            return
        }
        #expect(reason == .timeout(seconds: 0.05))
        #expect(error.message == "timed out after 0.05 s")
    }

    /// `Control.stop` from another thread (as a signal handler's thread calls it) interrupts a loop that never waits.
    @Test func theControlInterruptsCodeThatNeverWaitsFromAnotherThread() async {
        let (outcome, _) = await runScript(
            "started()\nwhile true do end", limits: LuaLimits(instructionLimit: 20_000_000_000)
        ) { state, scheduler in
            let control = scheduler.control
            state.register("started") { _ in
                Thread.detachNewThread {
                    Thread.sleep(forTimeInterval: 0.02)
                    control.stop(.requested("interrupted by SIGINT"))
                }
                return .none
            }
        }
        guard case .stopped(let reason, _) = outcome else {
            Issue.record("expected a stop, got \(outcome)")
            return
        }
        #expect(reason == .requested("interrupted by SIGINT"))
    }

    @Test func stoppedCodeCannotLoopForever() async {
        let (outcome, _) = await runScript("""
            while true do pcall(cmo.sleep, 60) end
            """, timeout: 0.05)
        guard case .stopped(let reason, _) = outcome else {
            Issue.record("expected a stop, got \(outcome)")
            return
        }
        #expect(reason == .timeout(seconds: 0.05))
    }
}

extension SchedulerTests {
    @Test func parallelRaisesWhenItsIteratorFails() async {
        let (outcome, _) = await runScript("""
            local n = 0
            local function items()
              n = n + 1
              if n == 4 then error("page 2 failed") end
              return n
            end
            local done = 0
            local ok, err = pcall(cmo.parallel, items, function() cmo.sleep(0) done = done + 1 end, {concurrency = 2})
            return ok, err, done
            """)
        #expect(returned(outcome) == [false, "script.lua:4: page 2 failed", 3])
    }
}

extension SchedulerTests {
    @Test func parallelNumbersItemsOfAWaitingIteratorAsTheyArrive() async {
        let (outcome, _) = await runScript("""
            local n = 0
            local function items()
              cmo.sleep(0.001 * (n % 3))
              n = n + 1
              if n <= 12 then return n * 10 end
            end
            local results = cmo.parallel(items, function(item) return item end, {concurrency = 4})
            local sum = 0
            for i = 1, #results do sum = sum + results[i] end
            return #results, sum
            """)
        #expect(returned(outcome) == [12, 780])
    }
}
