import LuaKit
import Testing

/// `LuaScheduler.rearm()`: after a stopped run (a REPL entry interrupted), the same state runs again, its globals
/// intact, and neither the old stop nor the hook's interruption touches the new run.
@Suite struct RearmTests {
    static func state() -> (LuaState, LuaScheduler) {
        let state = LuaState()
        let scheduler = LuaScheduler(state: state)
        state.openSandbox(LuaSandbox())
        state.openTasks(in: "cmo", defaultConcurrency: 4)
        return (state, scheduler)
    }

    static func run(_ source: String, on state: LuaState, _ scheduler: LuaScheduler) async throws -> LuaRunOutcome {
        try state.load(Array(source.utf8), chunkName: "=entry")
        _ = scheduler.start(main: 0)
        return await scheduler.run()
    }

    @Test func aStoppedWaitIsForgottenAndTheNextRunFinishes() async throws {
        let (state, scheduler) = Self.state()
        let control = scheduler.control
        state.register("stop") { _ in
            control.stop(.requested("interrupted"))
            return .none
        }
        let first = try await Self.run("kept = 41 stop() cmo.sleep(60)", on: state, scheduler)
        guard case .stopped(.requested("interrupted"), _) = first else {
            Issue.record("expected a stop, got \(first)")
            return
        }
        scheduler.rearm()
        let second = try await Self.run("cmo.sleep(0) return kept + 1", on: state, scheduler)
        #expect(second == .finished([.integer(42)]))
    }

    @Test func codeInterruptedWithoutWaitingLeavesNoInterruptionBehind() async throws {
        let (state, scheduler) = Self.state()
        let control = scheduler.control
        state.register("stop") { _ in
            control.stop(.requested("interrupted"))
            return .none
        }
        let first = try await Self.run("stop() while true do end", on: state, scheduler)
        guard case .stopped = first else {
            Issue.record("expected a stop, got \(first)")
            return
        }
        scheduler.rearm()
        // Long enough to meet many hook ticks: a leftover interruption would stop it.
        let second = try await Self.run("local n = 0 for i = 1, 3000000 do n = n + 1 end return n", on: state, scheduler)
        #expect(second == .finished([.integer(3_000_000)]))
    }
}
