-- Tests of activate-csv.lua with the sims.csv beside it (ICCIDs of the seed-1 fleet of 1,000).
describe("activate-csv.lua", function()
  it("activates the listed SIMs it finds and reports the unknown ones", function()
    local r = workbench.run{
      script = "activate-csv.lua", fleet = { seed = 1, size = 1000 }, inputs = { sims = "sims.csv" },
      faults = { async_delay = 60 },
    }
    assert.are.equal(0, r.exit_code)
    assert.matches("8 ICCIDs in the file", r.output)
    for _, change in ipairs(r.changes) do
      assert.is_true(change.outcome == "changed" or change.outcome == "unchanged")
      assert.are.equal("ACTIVE", r.sim.statuses[change.product_id])
    end
  end)

  it("needs the input", function()
    local r = workbench.run{ script = "activate-csv.lua", fleet = { size = 10 } }
    assert.are_not.equal(0, r.exit_code)
    assert.matches("no input named 'sims'", r.error)
  end)
end)
