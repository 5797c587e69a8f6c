-- Tests of suspend-matching.lua.
describe("suspend-matching.lua", function()
  it("refuses a field it does not know", function()
    local r = workbench.run{ script = "suspend-matching.lua", vars = { pattern = "x", field = "color" } }
    assert.are.equal(1, r.exit_code)
    assert.matches("must be 'notes' or 'offering'", r.error)
  end)

  it("suspends only ACTIVE SIMs of a matching offering", function()
    local r = workbench.run{
      script = "suspend-matching.lua", fleet = { seed = 2, size = 300 },
      vars = { field = "offering", pattern = "Flex" }, faults = { async_delay = 20 },
    }
    assert.are.equal(0, r.exit_code)
    assert.is_true(#r.changes > 0)
    for _, change in ipairs(r.changes) do
      assert.are.equal("ACTIVE", change.from)
      assert.are.equal("changed", change.outcome)
      assert.are.equal("SUSPENDED", r.sim.statuses[change.product_id])
    end
  end)

  it("suspends the ACTIVE SIMs whose notes match, on a declared fleet", function()
    local r = workbench.run{
      script = "suspend-matching.lua", vars = { pattern = "^decommission" },
      fleet = { products = {
        { backend = "JASPER", iccid = "89492000000000000011", status = "ACTIVE", notes = "decommission 2026" },
        { backend = "TMSP", iccid = "8949020000000000022", status = "ACTIVE", notes = "keep" },
        { backend = "JASPER", iccid = "89492000000000000033", status = "SUSPENDED", notes = "decommission 2026" },
        { backend = "TMUS", iccid = "89012600000000000044", status = "ACTIVE", notes = "decommission soon" },
      } },
    }
    assert.are.equal(0, r.exit_code)
    assert.are.same({ ["JASPER-89492000000000000011"] = 1, ["TMUS-89012600000000000044"] = 1 }, r.sim.counts)
    assert.are.equal("SUSPENDED", r.sim.statuses["JASPER-89492000000000000011"])
    assert.are.equal("ACTIVE", r.sim.statuses["TMSP-8949020000000000022"])
  end)

  it("changes nothing when nothing matches", function()
    local r = workbench.run{
      script = "suspend-matching.lua", fleet = { size = 50 }, vars = { pattern = "^no such note$" },
    }
    assert.are.equal(0, r.exit_code)
    assert.are.same({}, r.changes)
  end)
end)
