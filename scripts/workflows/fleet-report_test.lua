-- Tests of fleet-report.lua: it reads the whole fleet and changes nothing.
describe("fleet-report.lua", function()
  it("counts every product of the fleet", function()
    local r = workbench.run{ script = "fleet-report.lua", fleet = { seed = 3, size = 250 } }
    assert.are.equal(0, r.exit_code)
    assert.matches("^250 products", r.output)
    assert.matches("ACTIVE", r.output)
  end)

  it("changes nothing", function()
    local r = workbench.run{ script = "fleet-report.lua", fleet = { seed = 3, size = 250 } }
    assert.are.same({}, r.changes)
    assert.are.same({}, r.sim.counts)
  end)

  it("pages through a listing whatever the page size", function()
    local r = workbench.run{ script = "fleet-report.lua", fleet = { size = 95 }, vars = { page_size = 10 } }
    assert.matches("^95 products", r.output)
  end)
end)
