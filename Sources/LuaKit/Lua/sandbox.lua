-- The sandbox's Lua half, run once per state by LuaState.openSandbox (chunk `=(sandbox)`): a `load` that
-- compiles text only, `require`, and coroutine functions that forward host waits.
-- Arguments: the host marker a waiting binding yields, the weak set of task threads, the host's module finder
-- (`find_module(name) -> chunk, path` or `nil, message`) and the table of loaded modules.
local HOST, roots, find_module, loaded = ...
local create, resume, yield = coroutine.create, coroutine.resume, coroutine.yield
local status, running, close = coroutine.status, coroutine.running, coroutine.close
local isyieldable = coroutine.isyieldable
local base_load, type, error, select = load, type, error, select

function load(chunk, name, mode, env)
  if mode ~= nil and mode ~= "t" then
    return nil, "attempt to load a " .. tostring(mode) .. " chunk (only text chunks are allowed)"
  end
  if env == nil then return base_load(chunk, name, "t") end
  return base_load(chunk, name, "t", env)
end

function require(name)
  if type(name) ~= "string" then
    error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
  end
  local module = loaded[name]
  if module ~= nil then return module end
  local chunk, path = find_module(name)
  if not chunk then error(path, 2) end
  module = chunk(name, path)
  if module == nil then module = true end
  loaded[name] = module
  return module
end

-- A host wait inside a script's own coroutine: pass the marker up, hand the answer back down.
local function forward(co, ok, ...)
  if ok and select("#", ...) == 1 and ... == HOST then
    return forward(co, resume(co, yield(HOST)))
  end
  return ok, ...
end

function coroutine.resume(co, ...)
  if roots[co] then return false, "cannot resume a task's own thread" end
  return forward(co, resume(co, ...))
end

function coroutine.yield(...)
  if roots[running()] then error("attempt to yield from outside a coroutine", 2) end
  return yield(...)
end

function coroutine.isyieldable(co)
  co = co or running()
  return not roots[co] and isyieldable(co)
end

function coroutine.close(co)
  if roots[co] then error("cannot close a task's own thread", 2) end
  return close(co)
end

local function unwrap(co, ok, ...)
  if ok then return ... end
  local err = ...
  if status(co) == "dead" then close(co) end
  error(err, 0)
end

function coroutine.wrap(f)
  local co = create(f)
  return function(...) return unwrap(co, forward(co, resume(co, ...))) end
end
