-- The JSON decode loop shared by both sides of scripts/bench/luakit.sh.
-- Expects globals: decode (a function), doc (the text), seconds (how long to run).
-- Returns "mb_per_s=... decodes=... bytes=..." as a string.
local clock = os.clock
local decode, doc = decode, doc
for _ = 1, 3 do decode(doc) end -- warm up
local count, start = 0, clock()
repeat
  decode(doc)
  count = count + 1
until clock() - start >= seconds
local elapsed = clock() - start
return string.format("mb_per_s=%.1f decodes=%d bytes=%d", #doc * count / elapsed / 1e6, count, #doc)
