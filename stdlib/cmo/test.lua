-- cmo.test: busted-style tests for `cmo test`: describe/it/before_each/after_each/setup/teardown/pending and
-- luassert-style assertions (assert.are.same, assert.is_true, assert.has_error, ...).
--
--   describe("activate-offering", function()
--     it("activates only the offering's INACTIVE SIMs", function()
--       local r = workbench.run{ script = "scripts/workflows/activate-offering.lua", vars = { offering = "x" } }
--       assert.are.equal(0, r.exit_code)
--     end)
--   end)
--
-- `cmo test` runs each test file with this module's `run`: it installs the globals, runs the file (which
-- declares the tests), then runs each test with the before_each/after_each of its enclosing blocks.
-- luassert itself does not load in the sandbox (it needs io, package and debug.getmetatable/setmetatable), so this
-- is a compatible subset; failures show the expected and the actual value.
local inspect = require("cmo.inspect")

local M = {}

local function show(value)
  if type(value) == "string" then return string.format("%q", value) end
  if type(value) == "table" then
    local text = inspect(value, { depth = 4 })
    local flat = text:gsub("\n%s*", " "):gsub(", }", " }")
    return #flat <= 100 and flat or text
  end
  return tostring(value)
end

local function deep_equal(a, b, seen)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  seen = seen or {}
  if seen[a] == b then return true end
  seen[a] = b
  for key, value in pairs(a) do
    if not deep_equal(value, b[key], seen) then return false end
  end
  for key in pairs(b) do
    if a[key] == nil then return false end
  end
  return true
end

-- An error message without the `file:line: ` Lua put in front of it.
local function strip_position(message)
  if type(message) ~= "string" then return message end
  return (message:gsub("^[^:\n]+:%d+: ", "", 1))
end

local function expected_actual(title, expected, actual)
  return ("%s\nexpected: %s\n  actual: %s"):format(title, show(expected), show(actual))
end

-- Each check returns whether it holds, then the message when it should have held and the one when it should not.
local checks = {}

function checks.same(expected, actual)
  return deep_equal(expected, actual), expected_actual("values differ", expected, actual),
    expected_actual("values are the same, expected them to differ", expected, actual)
end

function checks.equal(expected, actual)
  return expected == actual, expected_actual("values are not equal (==)", expected, actual),
    expected_actual("values are equal (==), expected them to differ", expected, actual)
end
checks.equals = checks.equal

function checks.near(expected, actual, tolerance)
  local holds = type(actual) == "number" and math.abs(expected - actual) <= tolerance
  local title = ("not within %s"):format(show(tolerance))
  return holds, expected_actual(title, expected, actual), expected_actual("within " .. show(tolerance), expected, actual)
end

function checks.truthy(value) return value and true or false, "expected a truthy value, got " .. show(value),
    "expected a falsy value, got " .. show(value) end
function checks.falsy(value) return not value, "expected a falsy value, got " .. show(value),
    "expected a truthy value, got " .. show(value) end
checks["true"] = function(value) return value == true, "expected true, got " .. show(value), "expected not true" end
checks["false"] = function(value) return value == false, "expected false, got " .. show(value), "expected not false" end
checks["nil"] = function(value) return value == nil, "expected nil, got " .. show(value), "expected a value, got nil" end

for _, kind in ipairs({ "table", "string", "number", "boolean", "function", "userdata" }) do
  checks[kind] = function(value)
    return type(value) == kind, ("expected a %s, got %s"):format(kind, show(value)),
      ("expected no %s, got %s"):format(kind, show(value))
  end
end

function checks.matches(pattern, text)
  local holds = type(text) == "string" and text:find(pattern) ~= nil
  return holds, ("expected %s to match the pattern %s"):format(show(text), show(pattern)),
    ("expected %s not to match the pattern %s"):format(show(text), show(pattern))
end
checks.match = checks.matches

function checks.error(fn, expected)
  local ok, err = pcall(fn)
  if ok then
    return false, "expected an error" .. (expected ~= nil and (" " .. show(expected)) or "") .. ", got none",
      "expected no error"
  end
  if expected == nil then return true, "", "expected no error, got " .. show(err) end
  local holds = deep_equal(expected, err) or deep_equal(expected, strip_position(err))
  return holds, expected_actual("a different error", expected, strip_position(err)),
    "expected no error " .. show(expected) .. ", got it"
end
checks.errors = checks.error

function checks.error_matches(fn, pattern)
  local ok, err = pcall(fn)
  if ok then return false, "expected an error matching " .. show(pattern) .. ", got none", "" end
  local text = tostring(type(err) == "table" and (err.message or inspect(err)) or err)
  return text:find(pattern) ~= nil, ("expected an error matching %s, got %s"):format(show(pattern), show(text)),
    ("expected no error matching %s, got %s"):format(show(pattern), show(text))
end

-- luassert's modifiers: `is`, `are`, `has`, `does`, `was` change nothing, `not` and `no` negate.
local modifiers = { is = false, are = false, has = false, does = false, was = false, ["not"] = true, no = true }

local function fail(message, level)
  error(message, level + 1)
end

local namespace
namespace = function(negated)
  return setmetatable({}, {
    __index = function(_, key)
      local negate, words = negated, {}
      for word in tostring(key):gmatch("[^_]+") do
        local lower = word:lower()
        local modifier = modifiers[lower]
        if modifier == nil then
          words[#words + 1] = lower
        elseif modifier then
          negate = not negate
        end
      end
      if #words == 0 then return namespace(negate) end
      local name = table.concat(words, "_")
      local check = checks[name]
      if not check then error(("unknown assertion '%s'"):format(key), 2) end
      return function(...)
        local holds, message, negated_message = check(...)
        if negate then holds, message = not holds, negated_message end
        if not holds then fail(message, 2) end
        return ...
      end
    end,
    __call = function(_, value, message, ...)
      if not value then fail(message or "assertion failed!", 2) end
      return value, message, ...
    end,
  })
end

--- The `assert` of test files: callable like Lua's, with luassert's namespaces.
M.assert = namespace(false)

-- Blocks and tests as declared.
local function new_block(name, parent)
  return { name = name, parent = parent, children = {}, before = {}, after = {}, setup = {}, teardown = {} }
end

local function full_name(block, name)
  local parts = { name }
  while block and block.name do
    table.insert(parts, 1, block.name)
    block = block.parent
  end
  return table.concat(parts, " ")
end

local function where_of(message)
  return type(message) == "string" and message:match("^([^:\n]+:%d+):") or nil
end

local function describe_error(err)
  if type(err) == "string" then return err end
  if type(err) == "table" and err.message then return tostring(err.message) end
  return show(err)
end

local function globals(root)
  local current = root
  local env = {}
  function env.describe(name, fn)
    if type(name) ~= "string" then error("bad argument #1 to 'describe' (string expected, got " .. type(name) .. ")", 2) end
    if type(fn) ~= "function" then error("bad argument #2 to 'describe' (function expected, got " .. type(fn) .. ")", 2) end
    local block = new_block(name, current)
    current.children[#current.children + 1] = block
    current = block
    local ok, err = pcall(fn)
    current = block.parent
    if not ok then error(err, 0) end
  end
  function env.it(name, fn)
    if type(name) ~= "string" then error("bad argument #1 to 'it' (string expected, got " .. type(name) .. ")", 2) end
    if type(fn) ~= "function" then error("bad argument #2 to 'it' (function expected, got " .. type(fn) .. ")", 2) end
    current.children[#current.children + 1] = { test = true, name = name, fn = fn, block = current }
  end
  function env.pending(name)
    current.children[#current.children + 1] = { test = true, name = tostring(name), pending = true, block = current }
  end
  function env.before_each(fn) current.before[#current.before + 1] = fn end
  function env.after_each(fn) current.after[#current.after + 1] = fn end
  function env.setup(fn) current.setup[#current.setup + 1] = fn end
  function env.teardown(fn) current.teardown[#current.teardown + 1] = fn end
  env.context, env.lazy_setup, env.lazy_teardown = env.describe, env.setup, env.teardown
  return env
end

local function chain(block)
  local blocks = {}
  while block do
    table.insert(blocks, 1, block)
    block = block.parent
  end
  return blocks
end

local function call_all(fns)
  for _, fn in ipairs(fns) do fn() end
end

local function run_test(test, results, clock)
  local name = full_name(test.block, test.name)
  if test.pending then
    results[#results + 1] = { name = name, status = "pending", seconds = 0 }
    return
  end
  local started = clock()
  local blocks = chain(test.block)
  local ok, err = pcall(function()
    for _, block in ipairs(blocks) do call_all(block.before) end
    test.fn()
  end)
  for index = #blocks, 1, -1 do
    local after_ok, after_err = pcall(call_all, blocks[index].after)
    if ok and not after_ok then ok, err = false, after_err end
  end
  local result = { name = name, status = ok and "passed" or "failed", seconds = clock() - started }
  if not ok then
    result.message = describe_error(err)
    result.where = where_of(result.message)
  end
  results[#results + 1] = result
end

local function selected(block, filter)
  for _, child in ipairs(block.children) do
    if child.test then
      if not filter or full_name(child.block, child.name):find(filter, 1, true) then return true end
    elseif selected(child, filter) then
      return true
    end
  end
  return false
end

local function run_block(block, results, filter, clock)
  if not selected(block, filter) then return end
  local ok, err = pcall(call_all, block.setup)
  for _, child in ipairs(block.children) do
    if child.test then
      if not filter or full_name(child.block, child.name):find(filter, 1, true) then
        if ok then
          run_test(child, results, clock)
        else
          local message = describe_error(err)
          results[#results + 1] = {
            name = full_name(child.block, child.name), status = "failed", message = "setup failed: " .. message,
            where = where_of(message), seconds = 0,
          }
        end
      end
    else
      run_block(child, results, filter, clock)
    end
  end
  pcall(call_all, block.teardown)
end

--- Runs one test file: `chunk` is the compiled file, `filter` a plain text the full test names must contain (nil
--- for all), `clock()` real seconds. Returns `{ tests = { {name, status, message, where, seconds}... }, error }`:
--- `error` when the file failed while declaring its tests.
function M.run(chunk, filter, clock)
  local root = new_block(nil, nil)
  local env = globals(root)
  for name, fn in pairs(env) do _G[name] = fn end
  _G.assert = M.assert
  local ok, err = pcall(chunk)
  local results = {}
  if not ok then
    local message = describe_error(err)
    return { tests = results, error = message, where = where_of(message) }
  end
  run_block(root, results, filter, clock)
  return { tests = results }
end

return M
