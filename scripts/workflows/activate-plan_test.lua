-- Tests of activate-plan.lua.
describe("activate-plan.lua", function()
  it("activates every INACTIVE SIM the plan finds, each once", function()
    local r = workbench.run{ script = "activate-plan.lua", fleet = { seed = 5, size = 200 }, faults = { async_delay = 30 } }
    assert.are.equal(0, r.exit_code)
    assert.is_true(#r.changes > 0)
    for _, change in ipairs(r.changes) do
      assert.are.equal("INACTIVE", change.from)
      assert.are.equal(1, r.sim.counts[change.product_id])
      assert.are.equal("ACTIVE", r.sim.statuses[change.product_id])
    end
  end)

  it("keeps to one backend when told", function()
    local r = workbench.run{
      script = "activate-plan.lua", vars = { backend = "JASPER" },
      fleet = { products = {
        { backend = "JASPER", iccid = "89492000000000000011", status = "INACTIVE" },
        { backend = "TMSP", iccid = "8949020000000000022", status = "INACTIVE" },
        { backend = "JASPER", iccid = "89492000000000000033", status = "ACTIVE" },
      } },
    }
    assert.are.equal(0, r.exit_code)
    assert.are.same({ ["JASPER-89492000000000000011"] = 1 }, r.sim.counts)
    assert.are.equal("INACTIVE", r.sim.statuses["TMSP-8949020000000000022"])
  end)

  it("changes nothing in a dry run", function()
    local r = workbench.run{ script = "activate-plan.lua", fleet = { size = 50 }, options = { dry_run = true } }
    assert.are.equal(0, r.exit_code)
    assert.are.same({}, r.sim.counts)
  end)
end)
