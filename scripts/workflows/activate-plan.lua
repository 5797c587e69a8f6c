-- activate-plan.lua: activates the INACTIVE SIMs of one backend (or all), written as a plan and an action: the
-- shape a run spread over several workers needs. `plan` only reads and returns the items; `cmo run` then applies
-- `apply` to each, as `cmo.parallel(plan(), apply)` would, under the run's options.
--
-- Vars:  backend  only SIMs of this backend (e.g. JASPER); default: every backend
-- Run:   cmo run --sim scripts/workflows/activate-plan.lua --var backend=JASPER --dry-run
--        cmo run scripts/workflows/activate-plan.lua --distributed --journal postgres://cmo@db/cmo   (then, on other
--        hosts: cmo worker --journal postgres://cmo@db/cmo --run RUN_ID)
local backend = cmo.vars.backend

return {
  plan = function()
    local ids = {}
    for product in cmo.list{ fields = { "id", "status" }, where = { status = "INACTIVE" } } do
      if backend == nil or cmo.backend(product) == backend then ids[#ids + 1] = product.id end
    end
    cmo.log.info("planned", { sims = #ids, backend = backend or "all" })
    return ids
  end,

  apply = function(id)
    return cmo.activate(id, { only_if = "INACTIVE" })
  end,
}
