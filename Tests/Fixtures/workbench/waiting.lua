-- A fixture workflow: counts the fleet, then waits cmo.vars.seconds (simulated in cmo test).
local products = cmo.list_all{ fields = { "id" } }
print(("%d products"):format(#products))
cmo.sleep(tonumber(cmo.vars.seconds or "1"))
