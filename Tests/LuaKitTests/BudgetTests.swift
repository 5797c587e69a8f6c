import Testing
import LuaKit

@Suite struct BudgetTests {
    private let tight = LuaLimits(memoryLimit: 16 << 20, instructionLimit: 5_000_000)

    private func stopReason(_ outcome: LuaRunOutcome) -> LuaStopReason? {
        if case .stopped(let reason, _) = outcome { return reason }
        return nil
    }

    @Test func anInfiniteLoopSpendsTheInstructionBudget() async {
        let (outcome, _) = await runScript("local i = 0\nlocal j = 1\nwhile true do\n  i = i + 1\nend", limits: tight)
        #expect(stopReason(outcome) == .instructionBudget(limit: 5_000_000))
        guard case .stopped(_, let error) = outcome else { return }
        #expect(error.message == "script.lua:4: instruction budget exceeded (limit 5000000 instructions)")
    }

    @Test func pcallCannotCatchTheBudget() async {
        let (outcome, _) = await runScript("""
            while true do pcall(function() while true do end end) end
            """, limits: tight)
        #expect(stopReason(outcome) == .instructionBudget(limit: 5_000_000))
    }

    @Test func theBudgetHoldsInsideNonYieldableCode() async {
        let (outcome, _) = await runScript("""
            table.sort({3, 2, 1}, function(a, b) while true do end end)
            """, limits: tight)
        #expect(stopReason(outcome) == .instructionBudget(limit: 5_000_000))
    }

    @Test func aRunawayStringRepHitsTheMemoryCap() async {
        let (outcome, _) = await runScript("local s = string.rep('x', 64 * 1024 * 1024)", limits: tight)
        #expect(stopReason(outcome) == .memoryBudget(limit: 16 << 20))
    }

    @Test func aTableGrowingForeverHitsTheMemoryCap() async {
        let (outcome, _) = await runScript("""
            local t = {}
            local i = 0
            while true do i = i + 1 t[i] = {i} end
            """, limits: LuaLimits(memoryLimit: 16 << 20, instructionLimit: nil))
        #expect(stopReason(outcome) == .memoryBudget(limit: 16 << 20))
    }

    @Test func memoryErrorsCaughtByPcallStillStopTheRun() async {
        let (outcome, _) = await runScript("""
            local keep = {}
            while true do
              pcall(function() keep[#keep + 1] = string.rep('y', 1024 * 1024) end)
            end
            """, limits: LuaLimits(memoryLimit: 16 << 20, instructionLimit: nil))
        #expect(stopReason(outcome) == .memoryBudget(limit: 16 << 20))
    }

    @Test func theHostStaysAliveForTheNextScript() async {
        _ = await runScript("while true do end", limits: tight)
        _ = await runScript("local t = {} while true do t[#t + 1] = {} end", limits: tight)
        let (outcome, output) = await runScript("print('still here') return 1 + 1", limits: tight)
        #expect(returned(outcome) == [2])
        #expect(output == ["still here"])
    }

    @Test func theMemoryPeakIsReported() async {
        let state = LuaState()
        state.openSandbox(LuaSandbox())
        let before = state.memoryUsed
        _ = try? state.execute("big = string.rep('z', 4 * 1024 * 1024)")
        #expect(state.memoryPeak >= before + 4 * 1024 * 1024)
    }
}
