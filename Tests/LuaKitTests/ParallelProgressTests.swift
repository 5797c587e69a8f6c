import Testing
import LuaKit

/// `parallel` reports its progress to a host through the module's `_progress` function.
@Suite struct ParallelProgressTests {
    /// The calls a `_progress` binding received, as `[event, argument...]` arrays.
    final class Recorder {
        var events: [[LuaValue]] = []
    }

    /// Registers `_progress` in `cmo`, recording every call.
    func recordProgress(into recorder: Recorder) -> (LuaState, LuaScheduler) -> Void {
        { state, _ in
            state.register(module: "cmo", [
                "_progress": { call in
                    var event: [LuaValue] = []
                    for position in 1...max(call.argumentCount, 1) where position <= call.argumentCount {
                        event.append(try call.value(position))
                    }
                    recorder.events.append(event)
                    return .none
                },
            ])
        }
    }

    @Test func parallelReportsStartEachItemAndFinish() async {
        let recorder = Recorder()
        let (outcome, _) = await runScript("""
            local results, failures = cmo.parallel({10, 20, 30}, function(item)
              cmo.sleep(0)
              if item == 20 then error("bad item") end
              return item
            end, {concurrency = 1})
            return failures
            """, setup: recordProgress(into: recorder))
        #expect(returned(outcome) == [1])
        #expect(recorder.events == [["start", 3], ["item", true], ["item", false], ["item", true], ["finish"]])
    }

    @Test func parallelCountsEveryItemOfConcurrentWorkers() async {
        let recorder = Recorder()
        let (outcome, _) = await runScript("""
            local items = {}
            for i = 1, 12 do items[i] = i end
            cmo.parallel(items, function(item)
              cmo.sleep(0.001 * (item % 3))
              if item % 4 == 0 then error("every fourth") end
            end, {concurrency = 5})
            """, setup: recordProgress(into: recorder))
        #expect(returned(outcome) == [])
        let items = recorder.events.filter { $0.first == "item" }
        #expect(recorder.events.first == ["start", 12])
        #expect(recorder.events.last == ["finish"])
        #expect(items.count == 12)
        #expect(items.filter { $0 == ["item", false] }.count == 3)
    }

    @Test func parallelOverAnIteratorStartsWithoutATotal() async {
        let recorder = Recorder()
        let (outcome, _) = await runScript("""
            local n = 0
            cmo.parallel(function() n = n + 1 if n <= 2 then return n end end, function() cmo.sleep(0) end)
            """, setup: recordProgress(into: recorder))
        #expect(returned(outcome) == [])
        #expect(recorder.events == [["start", .nil], ["item", true], ["item", true], ["finish"]])
    }
}
