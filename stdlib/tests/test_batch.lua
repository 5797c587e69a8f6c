local batch = require("cmo.batch")
local expect = require("expect")
local T = {}

function T.chunks_split_in_order()
  expect.equal(batch.chunks({ 1, 2, 3, 4, 5 }, 2), { { 1, 2 }, { 3, 4 }, { 5 } })
  expect.equal(#batch.chunks({}, 3), 0)
  expect.raises(function() batch.chunks({}, 0) end, "bad argument #2 to 'chunks' (positive integer expected)")
end

function T.rollout_runs_canary_then_rest()
  local seen = {}
  local report = batch.rollout({ "a", "b", "c", "d" }, function(item, index)
    seen[#seen + 1] = item .. index
    return item:upper()
  end, { canary = 1, concurrency = 2 })
  expect.equal(report.canary, 1)
  expect.equal(report.rest, 3)
  expect.equal(report.failures, 0)
  expect.equal(report.results, { "A", "B", "C", "D" })
  expect.equal(seen[1], "a1")
end

function T.rollout_stops_when_the_canary_fails()
  local calls = 0
  local report = batch.rollout({ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, function(item)
    calls = calls + 1
    if item == 2 then error("bad SIM") end
    return item
  end, { canary = 0.2 })
  expect.equal(report.canary, 2)
  expect.equal(report.rest, 0)
  expect.equal(report.failures, 1)
  expect.equal(calls, 2)
  expect.equal(report.stopped, "canary failed: 1 of 2 items failed (at most 0 allowed)")
  expect.equal(cmo.is_error(report.results[2]), true)
end

function T.rollout_tolerates_allowed_canary_failures()
  local report = batch.rollout({ 1, 2, 3 }, function(item)
    if item == 1 then error("flaky") end
    return item
  end, { canary = 1, max_canary_failures = 1 })
  expect.equal(report.stopped, nil)
  expect.equal(report.failures, 1)
  expect.equal(report.results[3], 3)
end

return T
