-- The task functions written in Lua, run once per state by LuaState.openTasks (chunk `=(tasks)`):
-- is_error, new_error, wait_all and parallel, added to the module table that already holds spawn and sleep.
-- Arguments: the module table, its global name, parallel's default concurrency and the error metatable.
local M, module_name, default_concurrency, ERROR = ...
local spawn = M.spawn
local type, pcall, error, setmetatable, getmetatable, tostring = type, pcall, error, setmetatable, getmetatable, tostring
local math_type = math.type

local function argerror(n, fname, message)
  error(("bad argument #%d to '%s' (%s)"):format(n, fname, message), 3)
end

local function is_error(value)
  return type(value) == "table" and getmetatable(value) == ERROR
end
M.is_error = is_error

function M.new_error(kind, message, fields)
  if type(kind) ~= "string" then argerror(1, "new_error", "string expected, got " .. type(kind)) end
  if type(message) ~= "string" then argerror(2, "new_error", "string expected, got " .. type(message)) end
  local err = {}
  if fields ~= nil then
    if type(fields) ~= "table" then argerror(3, "new_error", "table expected, got " .. type(fields)) end
    for key, value in pairs(fields) do err[key] = value end
  end
  err.kind, err.message = kind, message
  return setmetatable(err, ERROR)
end

local function as_error(err)
  if is_error(err) then return err end
  return setmetatable({ kind = "error", message = tostring(err) }, ERROR)
end

function M.wait_all(tasks)
  if type(tasks) ~= "table" then argerror(1, "wait_all", "table expected, got " .. type(tasks)) end
  local results, first_error = {}, nil
  for i = 1, #tasks do
    local ok, result = pcall(tasks[i].wait, tasks[i])
    if ok then results[i] = result elseif first_error == nil then first_error = result end
  end
  if first_error ~= nil then error(first_error, 0) end
  return results
end

function M.parallel(items, fn, opts)
  local kind = type(items)
  if kind ~= "table" and kind ~= "function" then
    argerror(1, "parallel", "table or function expected, got " .. kind)
  end
  if type(fn) ~= "function" then argerror(2, "parallel", "function expected, got " .. type(fn)) end
  local concurrency, fail_fast = default_concurrency, false
  if opts ~= nil then
    if type(opts) ~= "table" then argerror(3, "parallel", "table expected, got " .. type(opts)) end
    for key in pairs(opts) do
      if key ~= "concurrency" and key ~= "fail_fast" then
        argerror(3, "parallel", "invalid option '" .. tostring(key) .. "'")
      end
    end
    if opts.concurrency ~= nil then
      if math_type(opts.concurrency) ~= "integer" then
        argerror(3, "parallel", "field 'concurrency': integer expected, got " .. type(opts.concurrency))
      end
      if opts.concurrency < 1 then argerror(3, "parallel", "field 'concurrency': must be at least 1") end
      concurrency = opts.concurrency
    end
    if opts.fail_fast ~= nil then
      if type(opts.fail_fast) ~= "boolean" then
        argerror(3, "parallel", "field 'fail_fast': boolean expected, got " .. type(opts.fail_fast))
      end
      fail_fast = opts.fail_fast
    end
  end

  local results, failures, next_index, stopped, exhausted, source_error = {}, 0, 1, false, false, nil
  local count = kind == "table" and #items or nil
  local function take()
    if stopped or exhausted then return nil end
    local item
    if count then
      if next_index > count then exhausted = true return nil end
      item = items[next_index]
    else
      -- The iterator may wait (a paginated listing, say), and other workers call it meanwhile: number the
      -- item only once it has arrived.
      local ok, value = pcall(items)
      if not ok then
        -- The iterator itself failed: stop every worker and raise it once they have ended.
        source_error, stopped = source_error or value, true
        return nil
      end
      item = value
      if item == nil then exhausted = true return nil end
    end
    local index = next_index
    next_index = index + 1
    return index, item
  end
  -- A host may watch progress through M._progress("start", total) / ("item", ok) / ("finish"). Declared
  -- before the worker, which counts items through it.
  local progress = M._progress
  -- A host may hold back new items while its own work queues up: M._admit() before each item (it may wait),
  -- M._admitted_done() after it.
  local admit, admitted_done = M._admit, M._admitted_done
  local function worker()
    while true do
      if admit then admit() end
      local index, item = take()
      if index == nil then
        if admitted_done then admitted_done() end
        return
      end
      local ok, result = pcall(fn, item, index)
      if admitted_done then admitted_done() end
      if progress then progress("item", ok) end
      if ok then
        results[index] = result
      else
        results[index] = as_error(result)
        failures = failures + 1
        if fail_fast then stopped = true end
      end
    end
  end
  if progress then progress("start", count) end
  local workers = {}
  local n = count and math.min(concurrency, count) or concurrency
  for i = 1, n do workers[i] = spawn(worker) end
  for i = 1, n do workers[i]:wait() end
  if progress then progress("finish") end
  if source_error ~= nil then error(source_error, 0) end
  return results, failures
end
