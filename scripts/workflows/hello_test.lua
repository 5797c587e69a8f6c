-- Tests of hello.lua (cmo test scripts/workflows). The 0.2 s sleeps pass in simulated time.
describe("hello.lua", function()
  it("greets the name given and runs the three waits at once", function()
    local r = workbench.run{ script = "hello.lua", vars = { name = "Ada" } }
    assert.are.equal(0, r.exit_code)
    assert.matches("hello, Ada", r.output)
    assert.matches('"greeted": "Ada"', r.output)
    -- three concurrent 0.2 s waits take 0.2 s of simulated time, not 0.6
    assert.is_true(r.seconds >= 0.2 and r.seconds < 0.3)
  end)

  it("greets the operator by default", function()
    local r = workbench.run{ script = "hello.lua" }
    assert.matches("hello, operator", r.output)
  end)
end)
