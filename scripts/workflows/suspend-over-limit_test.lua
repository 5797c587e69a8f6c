-- Tests of suspend-over-limit.lua.
describe("suspend-over-limit.lua", function()
  it("needs the limit", function()
    local r = workbench.run{ script = "suspend-over-limit.lua", fleet = { size = 10 } }
    assert.are.equal(1, r.exit_code)
    assert.matches("give the limit in MiB", r.error)
  end)

  it("suspends no SIM under a limit nobody reaches", function()
    local r = workbench.run{
      script = "suspend-over-limit.lua", fleet = { size = 100 }, vars = { limit_mb = 1000000 },
      options = { dry_run = true },
    }
    assert.are.equal(0, r.exit_code)
    assert.are.same({}, r.changes)
  end)

  it("would suspend the ACTIVE SIMs over a tiny limit, and only those", function()
    local r = workbench.run{
      script = "suspend-over-limit.lua", fleet = { size = 100 }, vars = { limit_mb = 0 }, options = { dry_run = true },
    }
    assert.are.equal(0, r.exit_code)
    for _, change in ipairs(r.changes) do
      assert.are.equal("ACTIVE", change.from)
      assert.are.equal("would_change", change.outcome)
    end
  end)
end)
