-- Tests of activate-offering.lua against a 1,000-SIM fleet; async changes take 60 s of simulated time each.
local offering = "IoT Flex 10MB"

local function run(extra)
  local spec = {
    script = "activate-offering.lua", fleet = { seed = 1, size = 1000 }, vars = { offering = offering },
    faults = { async_delay = 60 },
  }
  for key, value in pairs(extra or {}) do spec[key] = value end
  return workbench.run(spec)
end

describe("activate-offering.lua", function()
  it("needs the offering", function()
    local r = workbench.run{ script = "activate-offering.lua", fleet = { size = 10 } }
    assert.are.equal(1, r.exit_code)
    assert.matches("give the offering", r.error)
  end)

  describe("in a dry run", function()
    local r
    before_each(function() r = run{ options = { dry_run = true } } end)

    it("would activate INACTIVE SIMs and sends nothing", function()
      assert.are.equal(0, r.exit_code)
      assert.is_true(#r.changes > 0)
      for _, change in ipairs(r.changes) do
        assert.are.equal("would_change", change.outcome)
        assert.are.equal("INACTIVE", change.from)
        assert.are.equal("ACTIVE", change.to)
      end
      assert.are.same({}, r.sim.counts)
    end)
  end)

  it("activates every INACTIVE SIM of the offering, the async ones after 60 s", function()
    local r = run()
    assert.are.equal(0, r.exit_code)
    local async = 0
    for _, change in ipairs(r.changes) do
      assert.are.equal("changed", change.outcome)
      assert.are.equal("ACTIVE", r.sim.statuses[change.product_id])
      assert.are.equal(1, r.sim.counts[change.product_id])
      if change.async then async = async + 1 end
    end
    assert.is_true(async > 0)
    assert.is_true(r.seconds >= 60)
  end)

  it("gets every change through when 10% of requests fail with 5xx", function()
    local r = run{ faults = { async_delay = 60, error_rate = 0.1 } }
    assert.are.equal(0, r.exit_code)
    for _, change in ipairs(r.changes) do assert.are.equal("changed", change.outcome) end
  end)

  it("stops at --max-changes with exit 4", function()
    local r = run{ options = { max_changes = 5 } }
    assert.are.equal(4, r.exit_code)
    -- five changes were started (the stop leaves those in flight open: `intent` or `accepted`), and only their
    -- SIMs were touched
    assert.are.equal(5, #r.changes)
    for id in pairs(r.sim.counts) do
      local found = false
      for _, change in ipairs(r.changes) do found = found or change.product_id == id end
      assert.is_true(found)
    end
  end)
end)
