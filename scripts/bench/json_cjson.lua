-- Runs scripts/bench/json_decode.lua with Debian's lua-cjson under the stock lua5.4 interpreter.
-- Usage: lua5.4 scripts/bench/json_cjson.lua FILE [SECONDS]
local file = assert(io.open(arg[1], "rb"))
doc = file:read("a")
file:close()
decode = require("cjson").decode
seconds = tonumber(arg[2]) or 3
print(dofile("scripts/bench/json_decode.lua"))
