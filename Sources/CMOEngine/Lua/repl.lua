-- The REPL's side in Lua, loaded once per REPL session on its first entry. Defines two globals:
--   __cmo_repl_show(chunk)     runs one entry and prints each value it returns with cmo.inspect; an error is
--                              raised again as one text: the value (a table shown whole) and the entry's own
--                              frames of the traceback, without the REPL's, the engine's or C frames.
--   __cmo_repl_complete(word)  the words completing `word` ("cmo.act" -> {"cmo.activate("}): globals, or the
--                              keys of the table the dotted name before the last dot or colon names.
local inspect = require("cmo.inspect")
local pack, print, traceback = table.pack, print, debug.traceback

-- The traceback lines that belong to the operator's code: entries (`stdin:`) and Lua files it required.
local function own_frames(text)
  local kept = {}
  for line in text:gmatch("[^\n]+") do
    local frame = line:match("^%s+(.+)$")
    if frame and not frame:match("^%[C%]") and not frame:match("^%(") and not frame:match("^%.%.%.") then
      kept[#kept + 1] = "\t" .. frame
    end
  end
  return kept
end

local function describe(err)
  local text = type(err) == "string" and err or inspect(err)
  local frames = own_frames(traceback("", 2))
  -- One frame is the entry itself, which the message already places.
  if #frames > 1 then text = text .. "\nstack traceback:\n" .. table.concat(frames, "\n") end
  return text
end

function __cmo_repl_show(chunk)
  local results = pack(xpcall(chunk, describe))
  if not results[1] then error(results[2], 0) end
  for i = 2, results.n do print(inspect(results[i])) end
end

-- The value a dotted name (`cmo`, `cmo.log`) names among the globals, or nil.
local function lookup(path)
  local value = _G
  for name in path:gmatch("[^%.:]+") do
    if type(value) ~= "table" then return nil end
    value = rawget(value, name)
  end
  return value
end

local function keys_of(value)
  local keys = {}
  local function add(t)
    if type(t) ~= "table" then return end
    for key in pairs(t) do
      if type(key) == "string" and key:match("^[%a_][%w_]*$") and not key:match("^_") then keys[key] = true end
    end
  end
  add(value)
  local meta = getmetatable(value)
  if type(meta) == "table" then add(rawget(meta, "__index")) end
  return keys
end

function __cmo_repl_complete(word)
  local base, separator, prefix = word:match("^(.-)([%.:]?)([%w_]*)$")
  local scope = separator == "" and _G or lookup(base)
  if type(scope) == "string" then scope = string end
  local words = {}
  for key in pairs(keys_of(scope)) do
    if key:sub(1, #prefix) == prefix then
      local value = rawget(scope, key)
      local suffix = type(value) == "function" and "(" or type(value) == "table" and "." or ""
      words[#words + 1] = base .. separator .. key .. suffix
    end
  end
  table.sort(words)
  return words
end
