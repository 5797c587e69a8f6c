import CMOClient
import LuaKit

extension CMOModule {
    /// Runs the Lua half of the module (`Lua/prelude.lua`, compiled into the binary), handing it the backend
    /// catalogue:
    ///
    /// - `cmo.characteristic(t, name) -> value`: the `value` of `t.productCharacteristic`'s entry `name`.
    /// - `cmo.sim(product) -> sub_product`: the simCard sub-product of a bundle (or the argument when it is one).
    /// - `cmo.iccid(product) -> string`: the ICCID of a bundle or sub-product.
    /// - `cmo.backend(product_or_id) -> string`: `SYSTEM`, else the id's prefix.
    /// - `cmo.is_async(product_or_id) -> boolean`: whether the backend answers changes with a monitor.
    /// - `cmo.try(fn, ...) -> ok, result_or_error`: `pcall` whose errors are always error values.
    /// - `cmo.input(name) -> rows or lines`: a `--input NAME=PATH` file: CSV rows keyed by header for `.csv`,
    ///   else the non-empty lines, trimmed.
    func installPrelude(into state: LuaState) throws {
        let catalogue = backends.profiles.mapValues { profile in
            LuaValue.object(["async": .boolean(profile.isAsynchronous), "carrier": .string(profile.statusCarrier)])
        }
        let stack = state.stack
        stack.pushGlobal("cmo")
        stack.push(LuaValue.object(catalogue))
        stack.setField("_backends", in: -2)
        stack.pop()
        _ = try state.execute(String(decoding: PackageResources.prelude_lua, as: UTF8.self), chunkName: "=(cmo)")
        // The outcome metatable (see ChangeResult.push) and the runner of the script's chunk (`Lua/workflow.lua`)
        // leave the script's reach for the registry.
        Self.moveToRegistry("_outcome_meta", key: ChangeResult.outcomeMetatableKey, on: stack)
        _ = try state.execute(String(decoding: PackageResources.workflow_lua, as: UTF8.self), chunkName: "=(cmo)")
        Self.moveToRegistry("_run_workflow", key: Self.workflowRunnerKey, on: stack)
        Self.moveToRegistry("_plan_workflow", key: Self.workflowPlannerKey, on: stack)
        Self.moveToRegistry("_apply_workflow", key: Self.workflowApplierKey, on: stack)
    }

    /// Moves `cmo[field]` to the registry under `key`.
    private static func moveToRegistry(_ field: String, key: String, on stack: LuaStack) {
        stack.pushGlobal("cmo")
        stack.pushField(field, of: -1)
        stack.setRegistryField(key)
        stack.pushNil()
        stack.setField(field, in: -2)
        stack.pop()
    }

    /// The registry key of the function that runs a script's chunk (``ScriptRunner``).
    static let workflowRunnerKey = "cmo.run_workflow"
    /// The registry key of the function that runs a workflow's plan alone (a distributed run's coordinator).
    static let workflowPlannerKey = "cmo.plan_workflow"
    /// The registry key of the function that applies a workflow to one shard's items (a distributed run's worker).
    static let workflowApplierKey = "cmo.apply_workflow"
}
