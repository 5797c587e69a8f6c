import Foundation
import Logging
import LuaKit
import Testing

@testable import CMOEngine

/// A workflow's two halves run apart, as a distributed run runs them: the coordinator's plan alone (its items
/// handed to the host with their product ids), and a worker's apply over one shard's items (given as JSON).
@Suite struct WorkflowPhaseTests {
    static let workflow = """
        return {
          plan = function() return { "TMSP-1", { id = "TMSP-2", note = "second" }, "TMSP-3" } end,
          apply = function(item)
            if type(item) == "table" then print("table " .. item.id .. " " .. item.note) else print("id " .. item) end
          end,
        }
        """

    static func runner(_ source: String, phase: RunOptions.WorkflowPhase) -> (ScriptRunner, Lines) {
        var options = RunOptions(scriptPath: "plan.lua")
        options.scriptSource = source
        options.phase = phase
        let lines = Lines()
        return (ScriptRunner(options: options, logger: Logger(label: "test")) { lines.append($0) }, lines)
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ line: String) { lock.withLock { stored.append(line) } }
        var all: [String] { lock.withLock { stored } }
    }

    @Test func thePlanAloneHandsItsItemsToTheHostAndAppliesNothing() async {
        let (runner, lines) = Self.runner(Self.workflow, phase: .plan)
        let result = await runner.run()
        #expect(result.exitCode == .success)
        #expect(lines.all.isEmpty)
        let items = runner.plannedItems
        #expect(items?.map(\.productID) == ["TMSP-1", "TMSP-2", "TMSP-3"])
        #expect(items?[0].item == "\"TMSP-1\"")
        #expect(items?[1].item.contains("\"note\":\"second\"") == true)
    }

    @Test func aShardsItemsAreAppliedAsThePlanMadeThem() async {
        let (runner, lines) = Self.runner(Self.workflow, phase: .apply(["\"TMSP-1\"", "{\"id\":\"TMSP-2\",\"note\":\"second\"}"]))
        let result = await runner.run()
        #expect(result.exitCode == .success)
        #expect(Set(lines.all) == ["id TMSP-1", "table TMSP-2 second"])
    }

    @Test func onlyAWorkflowWithProductIdsCanBeDistributed() async {
        let (oldShape, _) = Self.runner("print('hello')", phase: .plan)
        let refused = await oldShape.run()
        #expect(refused.exitCode == .scriptError)
        #expect(refused.errorReport?.contains("only a workflow can be distributed") == true)
        let (noID, _) = Self.runner("return { plan = function() return { { name = 'x' } } end, apply = print }", phase: .plan)
        let missing = await noID.run()
        #expect(missing.exitCode == .scriptError)
        #expect(missing.errorReport?.contains("the plan's item 1 has no product id") == true)
    }
}
