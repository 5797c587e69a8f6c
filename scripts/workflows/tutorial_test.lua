-- Tests of tutorial.lua: the five steps, a synchronous and an asynchronous activation.
describe("tutorial.lua", function()
  it("walks the five steps and ends with both SIMs ACTIVE", function()
    local r = workbench.run{ script = "tutorial.lua", fleet = { seed = 1, size = 100 }, faults = { async_delay = 30 } }
    assert.are.equal(0, r.exit_code)
    for step = 1, 5 do assert.matches("Step " .. step, r.output) end
    assert.matches("Step 5: monitor Completed; the SIM now reads ACTIVE", r.output)
    local changed = 0
    for id, count in pairs(r.sim.counts) do
      assert.are.equal(1, count)
      assert.are.equal("ACTIVE", r.sim.statuses[id])
      changed = changed + 1
    end
    assert.are.equal(2, changed)
  end)
end)
