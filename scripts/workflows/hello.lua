-- hello.lua: the engine's tour without the API. Runs three tasks concurrently with cmo.parallel, shows that
-- waits overlap, and prints a JSON summary.
--
-- Vars:  name  who to greet (default "operator")
-- Run:   cmo run --no-api scripts/workflows/hello.lua --var name=Ada

local name = cmo.vars.name or "operator"
print(("hello, %s"):format(name))

local started = os.clock()
local results = cmo.parallel({ "JASPER", "TMSP", "1NCE" }, function(backend, index)
  cmo.sleep(0.2) -- stands in for an API call: all three wait at the same time
  return { backend = backend, order = index }
end)

print(json.encode({ greeted = name, backends = results }, { indent = 2 }))
print(("three 0.2 s waits ran concurrently in one Lua thread (cpu %.3f s)"):format(os.clock() - started))
