-- The workbench benchmark's tests (scripts/bench/workbench.sh): each part file declares five tests; each test
-- runs activate-offering.lua on its own 1,000-SIM fleet whose async changes take 60 s of simulated time.
return function(first)
  describe("workbench benchmark", function()
    for seed = first, first + 4 do
      it(("activates an offering on fleet %d with 60 s async changes"):format(seed), function()
        local r = workbench.run{
          script = "../../workflows/activate-offering.lua", fleet = { seed = seed, size = 1000 },
          vars = { offering = "IoT Flex 10MB" }, faults = { async_delay = 60 },
        }
        assert.are.equal(0, r.exit_code)
        assert.is_true(#r.changes > 0)
        assert.is_true(r.seconds >= 60)
        for _, change in ipairs(r.changes) do assert.are.equal("changed", change.outcome) end
      end)
    end
  end)
end
