-- cmo.batch: chunking and canary-then-rest rollouts for fleet-wide changes.
--
--   local batch = require("cmo.batch")
--   for _, chunk in ipairs(batch.chunks(ids, 100)) do ... end
--   local report = batch.rollout(ids, function(id) return cmo.activate(id) end,
--                                { canary = 10, max_canary_failures = 0 })
local M = {}

local function argerror(n, name, message)
  error(("bad argument #%d to '%s' (%s)"):format(n, name, message), 3)
end

--- batch.chunks(items, size) -> chunks
-- Splits an array into arrays of at most `size` items, in order.
function M.chunks(items, size)
  if type(items) ~= "table" then argerror(1, "chunks", "table expected, got " .. type(items)) end
  if math.type(size) ~= "integer" or size < 1 then argerror(2, "chunks", "positive integer expected") end
  local chunks = {}
  for i = 1, #items, size do
    local chunk = {}
    for j = i, math.min(i + size - 1, #items) do chunk[#chunk + 1] = items[j] end
    chunks[#chunks + 1] = chunk
  end
  return chunks
end

local function run(parallel, items, fn, concurrency)
  if #items == 0 then return {}, 0 end
  return parallel(items, fn, { concurrency = concurrency })
end

--- batch.rollout(items, fn [, opts]) -> report
-- Runs `fn(item, index)` on a canary share first, then, when the canary's failures stay within
-- `max_canary_failures`, on the rest. Options:
--   canary               number of items, or a fraction in (0, 1) of them (default 1)
--   max_canary_failures  failures the canary may have and still go on (default 0)
--   pause                seconds to wait between canary and rest (default 0)
--   concurrency          calls in flight (default: the run's --concurrency)
--   parallel             the parallel function to use (default cmo.parallel; for tests)
-- The report: { canary = n, rest = n, results = {...} (in input order), failures = n,
--               stopped = "reason" or nil }. Items never started have no result.
function M.rollout(items, fn, opts)
  if type(items) ~= "table" then argerror(1, "rollout", "table expected, got " .. type(items)) end
  if type(fn) ~= "function" then argerror(2, "rollout", "function expected, got " .. type(fn)) end
  opts = opts or {}
  local allowed = { canary = true, max_canary_failures = true, pause = true, concurrency = true, parallel = true }
  for key in pairs(opts) do
    if not allowed[key] then argerror(3, "rollout", "invalid option '" .. tostring(key) .. "'") end
  end
  local parallel = opts.parallel or (cmo and cmo.parallel)
  local canary = opts.canary or 1
  if type(canary) ~= "number" or canary <= 0 then argerror(3, "rollout", "field 'canary': positive number expected") end
  if canary < 1 then canary = math.max(1, math.floor(#items * canary + 0.5)) end
  canary = math.min(math.floor(canary), #items)
  local allowed_failures = opts.max_canary_failures or 0

  local head, tail = {}, {}
  for i = 1, #items do
    if i <= canary then head[#head + 1] = items[i] else tail[#tail + 1] = items[i] end
  end
  local report = { canary = #head, rest = 0, results = {}, failures = 0 }
  local results, failures = run(parallel, head, fn, opts.concurrency)
  for i = 1, #head do report.results[i] = results[i] end
  report.failures = failures
  if failures > allowed_failures then
    report.stopped = ("canary failed: %d of %d items failed (at most %d allowed)"):format(failures, #head, allowed_failures)
    return report
  end
  if opts.pause and opts.pause > 0 and #tail > 0 then cmo.sleep(opts.pause) end
  results, failures = run(parallel, tail, function(item, index) return fn(item, index + #head) end, opts.concurrency)
  for i = 1, #tail do report.results[#head + i] = results[i] end
  report.rest = #tail
  report.failures = report.failures + failures
  return report
end

return M
