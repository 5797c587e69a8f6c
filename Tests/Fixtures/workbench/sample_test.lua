-- A fixture for CMOWorkbenchTests: passing, failing and pending tests, hooks, and a workflow run.
local order = {}

describe("sample", function()
  before_each(function() order[#order + 1] = "before" end)
  after_each(function() order[#order + 1] = "after" end)

  it("passes", function()
    assert.are.same({ a = 1, b = { 2 } }, { a = 1, b = { 2 } })
    assert.is_true(true)
    assert.has_error(function() error("boom") end, "boom")
    assert.is_not_nil(order[1])
  end)

  it("fails on a difference", function()
    assert.are.same({ status = "ACTIVE" }, { status = "SUSPENDED" }) -- line 16
  end)

  pending("is not written yet")

  describe("workflow", function()
    it("runs a workflow in simulated time", function()
      local r = workbench.run{ script = "waiting.lua", fleet = { seed = 4, size = 30 }, vars = { seconds = 90 } }
      assert.are.equal(0, r.exit_code)
      assert.matches("30 products", r.output)
      assert.is_true(r.seconds >= 90)
    end)
  end)
end)
