-- cmo.inspect: a readable rendering of any Lua value, for the REPL and for logging.
--
--   local inspect = require("cmo.inspect")
--   print(inspect(product))                   -- nested tables, keys sorted, 2-space indent
--   print(inspect(product, {depth = 1}))      -- deeper tables shown as {...}
local M = {}

local function is_identifier(key)
  return type(key) == "string" and key:match("^[%a_][%w_]*$") ~= nil
end

local function sort_keys(a, b)
  local ta, tb = type(a), type(b)
  if ta == tb and (ta == "number" or ta == "string") then return a < b end
  return ta < tb
end

local function render(value, depth, max_depth, seen, out, indent)
  local kind = type(value)
  if kind == "string" then
    out[#out + 1] = string.format("%q", value):gsub("\\\n", "\\n")
  elseif kind ~= "table" then
    out[#out + 1] = tostring(value)
  elseif seen[value] then
    out[#out + 1] = "<cycle>"
  elseif getmetatable(value) and getmetatable(value).__tostring then
    out[#out + 1] = tostring(value)
  elseif depth >= max_depth then
    out[#out + 1] = next(value) == nil and "{}" or "{...}"
  else
    seen[value] = true
    local n = #value
    local keys = {}
    for key in pairs(value) do
      if not (math.type(key) == "integer" and key >= 1 and key <= n) then keys[#keys + 1] = key end
    end
    table.sort(keys, sort_keys)
    if n + #keys == 0 then
      out[#out + 1] = "{}"
    else
      local inner = indent .. "  "
      out[#out + 1] = "{\n"
      for i = 1, n do
        out[#out + 1] = inner
        render(value[i], depth + 1, max_depth, seen, out, inner)
        out[#out + 1] = ",\n"
      end
      for _, key in ipairs(keys) do
        out[#out + 1] = inner .. (is_identifier(key) and key or "[" .. (type(key) == "string" and string.format("%q", key) or tostring(key)) .. "]") .. " = "
        render(value[key], depth + 1, max_depth, seen, out, inner)
        out[#out + 1] = ",\n"
      end
      out[#out + 1] = indent .. "}"
    end
    seen[value] = nil
  end
end

--- inspect(value [, {depth = 8}]) -> string
function M.inspect(value, opts)
  local max_depth = opts and opts.depth or 8
  local out = {}
  render(value, 0, max_depth, {}, out, "")
  return table.concat(out)
end

return setmetatable(M, { __call = function(_, value, opts) return M.inspect(value, opts) end })
