-- The REPL's printer: defines the global __cmo_repl_show(chunk), which runs one entry and prints each value it
-- returns with cmo.inspect. Loaded once per REPL session, on its first entry.
local inspect = require("cmo.inspect")
local pack, print = table.pack, print

function __cmo_repl_show(chunk)
  local results = pack(chunk())
  for i = 1, results.n do print(inspect(results[i])) end
end
