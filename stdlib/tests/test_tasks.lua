-- The task functions LuaKit ships in Lua (Sources/LuaKit/Lua/tasks.lua) and in Swift: cmo.parallel,
-- cmo.wait_all, cmo.new_error, cmo.is_error, cmo.spawn. They set the host's admission hooks, which scripts never
-- see, and make mistakes on purpose (marked for cmo check).
-- luacheck: globals cmo._admit cmo._admitted_done
local expect = require("expect")
local T = {}

local function range(n)
  local items = {}
  for i = 1, n do items[i] = i end
  return items
end

function T.parallel_keeps_input_order()
  -- Later items finish first: results still follow the input.
  local results, failures = cmo.parallel({ 5, 4, 3, 2, 1 }, function(item, index)
    cmo.sleep(0.001 * item)
    return item * 10 + index
  end, { concurrency = 5 })
  expect.equal(results, { 51, 42, 33, 24, 15 })
  expect.equal(failures, 0)
end

function T.parallel_caps_concurrency()
  local in_flight, peak = 0, 0
  cmo.parallel(range(12), function()
    in_flight = in_flight + 1
    if in_flight > peak then peak = in_flight end
    cmo.sleep(0.001)
    in_flight = in_flight - 1
  end, { concurrency = 3 })
  expect.equal(peak, 3)
end

function T.parallel_asks_the_host_before_each_item()
  -- A host's admission hooks: _admit before taking an item (it may hold the worker back), _admitted_done after.
  local admitted, done, in_item, most = 0, 0, 0, 0
  cmo._admit = function()
    while admitted - done >= 2 do cmo.sleep(0.001) end  -- at most two items admitted and not done
    admitted = admitted + 1
  end
  cmo._admitted_done = function() done = done + 1 end
  local ok, err = pcall(cmo.parallel, range(9), function()
    in_item = in_item + 1
    if in_item > most then most = in_item end
    cmo.sleep(0.002)
    in_item = in_item - 1
  end, { concurrency = 5 })
  cmo._admit, cmo._admitted_done = nil, nil
  expect.equal(ok, true, err)
  expect.equal(most, 2)
  -- Every admission ends: the nine items and each of the five workers' last, empty take.
  expect.equal(admitted, 9 + 5)
  expect.equal(done, admitted)
end

function T.parallel_puts_errors_in_their_slots()
  local results, failures = cmo.parallel({ 1, 2, 3, 4 }, function(item)
    cmo.sleep(0)
    if item % 2 == 0 then error("even " .. item, 0) end
    return item
  end)
  expect.equal(failures, 2)
  expect.equal(results[1], 1)
  expect.equal(results[3], 3)
  expect.equal(cmo.is_error(results[2]), true)
  expect.equal(results[2].kind, "error")
  expect.equal(results[2].message, "even 2")
  expect.equal(results[4].message, "even 4")
end

function T.parallel_keeps_error_values_as_raised()
  local results = cmo.parallel({ 1 }, function()
    error(cmo.new_error("quota", "too many", { limit = 5 }))
  end)
  expect.equal(results[1].kind, "quota")
  expect.equal(results[1].message, "too many")
  expect.equal(results[1].limit, 5)
end

function T.parallel_fail_fast_stops_starting_items()
  local started = 0
  local results, failures = cmo.parallel(range(20), function()
    started = started + 1
    cmo.sleep(0)
    error("always")
  end, { concurrency = 2, fail_fast = true })
  expect.equal(started, 2)
  expect.equal(failures, 2)
  expect.equal(results[3], nil)
end

function T.parallel_without_fail_fast_runs_every_item()
  local started = 0
  local _, failures = cmo.parallel(range(6), function()
    started = started + 1
    error("always")
  end, { concurrency = 2 })
  expect.equal(started, 6)
  expect.equal(failures, 6)
end

function T.parallel_takes_an_iterator()
  local n = 0
  local function next_item()
    n = n + 1
    if n <= 4 then return n * n end
  end
  local results = cmo.parallel(next_item, function(item, index) cmo.sleep(0) return item + index end)
  expect.equal(results, { 2, 6, 12, 20 })
end

function T.parallel_raises_the_iterators_error_after_the_workers_end()
  local n, finished = 0, 0
  local function next_item()
    n = n + 1
    if n == 3 then error("listing failed", 0) end
    return n
  end
  expect.raises(function()
    cmo.parallel(next_item, function() cmo.sleep(0) finished = finished + 1 end, { concurrency = 2 })
  end, "listing failed")
  expect.equal(finished, 2)
end

function T.parallel_of_nothing()
  local results, failures = cmo.parallel({}, function() error("never called") end)
  expect.equal(#results, 0)
  expect.equal(failures, 0)
end

function T.parallel_checks_its_arguments()
  local fn = function() end
  expect.raises(function() cmo.parallel(nil, fn) end,
    "bad argument #1 to 'parallel' (table or function expected, got nil)")
  expect.raises(function() cmo.parallel({}, "fn") end, "bad argument #2 to 'parallel' (function expected, got string)")
  expect.raises(function() cmo.parallel({}, fn, 3) end, "bad argument #3 to 'parallel' (table expected, got number)")
  expect.raises(function() cmo.parallel({}, fn, { concurency = 2 }) end, -- luacheck: ignore
    "bad argument #3 to 'parallel' (invalid option 'concurency')")
  expect.raises(function() cmo.parallel({}, fn, { concurrency = "2" }) end,
    "bad argument #3 to 'parallel' (field 'concurrency': integer expected, got string)")
  expect.raises(function() cmo.parallel({}, fn, { concurrency = 2.5 }) end,
    "bad argument #3 to 'parallel' (field 'concurrency': integer expected, got number)")
  expect.raises(function() cmo.parallel({}, fn, { concurrency = 0 }) end,
    "bad argument #3 to 'parallel' (field 'concurrency': must be at least 1)")
  expect.raises(function() cmo.parallel({}, fn, { fail_fast = 1 }) end,
    "bad argument #3 to 'parallel' (field 'fail_fast': boolean expected, got number)")
end

function T.parallel_blames_the_caller()
  local ok, err = pcall(function() cmo.parallel(nil, print) end)
  expect.equal(ok, false)
  expect.equal(err:find("test_tasks.lua:%d+: bad argument #1 to 'parallel'") ~= nil, true, err)
end

function T.wait_all_returns_first_results_in_order()
  local tasks = {}
  for i = 1, 4 do
    tasks[i] = cmo.spawn(function()
      cmo.sleep(0.001 * (5 - i))
      return i * i, "second result is dropped"
    end)
  end
  expect.equal(cmo.wait_all(tasks), { 1, 4, 9, 16 })
  expect.equal(#cmo.wait_all({}), 0)
end

function T.wait_all_raises_the_first_error_after_every_task_ended()
  local done = false
  local tasks = {
    cmo.spawn(function() cmo.sleep(0) error({ code = 1 }) end),
    cmo.spawn(function() error({ code = 2 }) end),
    cmo.spawn(function() cmo.sleep(0.005) done = true end),
  }
  local ok, err = pcall(cmo.wait_all, tasks)
  expect.equal(ok, false)
  expect.equal(err.code, 1)
  expect.equal(done, true)
  expect.raises(function() cmo.wait_all("tasks") end, "bad argument #1 to 'wait_all' (table expected, got string)")
end

function T.new_error_builds_error_values()
  local err = cmo.new_error("not_found", "no such SIM", { iccid = "8901", kind = "ignored", message = "ignored" })
  expect.equal(cmo.is_error(err), true)
  expect.equal(err.kind, "not_found")
  expect.equal(err.message, "no such SIM")
  expect.equal(err.iccid, "8901")
  expect.equal(tostring(err), "no such SIM")
  err.where = "x.lua:3:"
  expect.equal(tostring(err), "x.lua:3: no such SIM")
  expect.equal(cmo.is_error(cmo.new_error("k", "m")), true)
end

function T.new_error_checks_its_arguments()
  expect.raises(function() cmo.new_error(1, "m") end, "bad argument #1 to 'new_error' (string expected, got number)")
  expect.raises(function() cmo.new_error("k") end, -- luacheck: ignore
    "bad argument #2 to 'new_error' (string expected, got nil)")
  expect.raises(function() cmo.new_error("k", "m", "f") end,
    "bad argument #3 to 'new_error' (table expected, got string)")
end

function T.is_error_is_false_for_other_values()
  for _, value in ipairs({ "text", 1, true, { kind = "error", message = "look-alike" }, print }) do
    expect.equal(cmo.is_error(value), false)
  end
  expect.equal(cmo.is_error(nil), false)
  local ok, caught = pcall(error, cmo.new_error("k", "m"))
  expect.equal(ok, false)
  expect.equal(cmo.is_error(caught), true)
end

function T.spawn_runs_a_task_with_arguments()
  local order = {}
  local task = cmo.spawn(function(a, b)
    order[#order + 1] = "task"
    cmo.sleep(0)
    return a + b, a * b
  end, 3, 4)
  order[#order + 1] = "caller"
  expect.equal(task:status(), "ready")
  local sum, product = task:wait()
  expect.equal({ sum, product }, { 7, 12 })
  expect.equal(order, { "caller", "task" })
  expect.equal(task:status(), "succeeded")
end

function T.spawn_wait_reraises_the_tasks_error()
  local task = cmo.spawn(function() cmo.sleep(0) error("task failed", 0) end)
  local ok, err = pcall(task.wait, task)
  expect.equal(ok, false)
  expect.equal(err, "task failed")
  expect.equal(task:status(), "failed")
  expect.raises(function() cmo.spawn("not a function") end, "bad argument #1 to 'spawn'")
end

return T
