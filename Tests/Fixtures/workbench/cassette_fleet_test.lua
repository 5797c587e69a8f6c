-- A fixture for CMOWorkbenchTests: a fleet seeded from the cassette beside this file (the test writes it).
describe("a fleet from a cassette", function()
  it("holds the products the recorded run saw, as they were before it", function()
    local r = workbench.run{ script = "tutorial.lua", fleet = { cassette = "recorded.jsonl" } }
    assert.are.equal(0, r.exit_code)
    assert.matches("Step 5: monitor Completed; the SIM now reads ACTIVE", r.output)
    local products = 0
    for _ in pairs(r.sim.statuses) do products = products + 1 end
    assert.is_true(products >= 10)
  end)
end)
