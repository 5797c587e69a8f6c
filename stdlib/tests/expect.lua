-- Assertions for the stdlib tests.
local M = {}

local function show(value)
  if type(value) == "string" then return string.format("%q", value) end
  if type(value) == "table" then return json.encode(value) end
  return tostring(value)
end

function M.equal(actual, expected, label)
  if type(actual) == "table" and type(expected) == "table" then
    if json.encode(actual) == json.encode(expected) then return end
  elseif actual == expected then
    return
  end
  error(("%sexpected %s, got %s"):format(label and (label .. ": ") or "", show(expected), show(actual)), 2)
end

function M.raises(fn, pattern)
  local ok, err = pcall(fn)
  if ok then error("expected an error matching " .. show(pattern), 2) end
  if not tostring(err):find(pattern, 1, true) then
    error(("expected an error containing %s, got %s"):format(show(pattern), show(tostring(err))), 2)
  end
end

return M
