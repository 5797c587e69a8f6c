-- The Lua half of the cmo module: helpers that read product tables, cmo.try and cmo.input.
-- Runs once per state. The host leaves the backend catalogue (CMOClient's BackendCatalogue) in cmo._backends:
-- { [name] = { async = boolean, carrier = "simCard" | "terminal" } }.
local cmo = cmo
local BACKENDS = cmo._backends
cmo._backends = nil
local type, ipairs, pcall, error, tostring = type, ipairs, pcall, error, tostring

local function check(n, fname, value, expected)
  if type(value) ~= expected then
    error(("bad argument #%d to '%s' (%s expected, got %s)"):format(n, fname, expected, type(value)), 3)
  end
end

function cmo.characteristic(t, name)
  check(1, "characteristic", t, "table")
  check(2, "characteristic", name, "string")
  local list = t.productCharacteristic
  if type(list) ~= "table" then return nil end
  for _, entry in ipairs(list) do
    if entry.name == name then return entry.value end
  end
  return nil
end

function cmo.sim(product)
  check(1, "sim", product, "table")
  if product["@type"] == "simCard" then return product end
  for _, relation in ipairs(product.productRelationship or {}) do
    local sub = relation.product
    if type(sub) == "table" and (sub["@type"] == "simCard" or (type(sub.id) == "string" and sub.id:sub(-8) == "-simCard")) then
      return sub
    end
  end
  return nil
end

function cmo.iccid(product)
  check(1, "iccid", product, "table")
  local own = cmo.characteristic(product, "ICCID")
  if own then return own end
  local sim = cmo.sim(product)
  return sim and cmo.characteristic(sim, "ICCID") or nil
end

function cmo.backend(product)
  if type(product) == "string" then return product:match("^([^-]+)-") end
  check(1, "backend", product, "table")
  local system = cmo.characteristic(product, "SYSTEM")
  if system then return system end
  return type(product.id) == "string" and product.id:match("^([^-]+)-") or nil
end

function cmo.is_async(product)
  if type(product) ~= "string" and type(product) ~= "table" then
    error(("bad argument #1 to 'is_async' (table or string expected, got %s)"):format(type(product)), 2)
  end
  local backend = BACKENDS[cmo.backend(product) or ""]
  return backend ~= nil and backend.async == true
end

local function settle(ok, ...)
  if ok then return true, ... end
  local err = ...
  if not cmo.is_error(err) then err = cmo.new_error("error", tostring(err)) end
  return false, err
end

function cmo.try(fn, ...)
  check(1, "try", fn, "function")
  return settle(pcall(fn, ...))
end

function cmo.input(name)
  check(1, "input", name, "string")
  local text, path = cmo._input(name)
  if text == nil then error(path, 2) end
  if path:lower():sub(-4) == ".csv" then
    return (require("cmo.csv").parse(text))
  end
  local lines = {}
  for line in text:gmatch("[^\r\n]+") do
    line = line:match("^%s*(.-)%s*$")
    if line ~= "" then lines[#lines + 1] = line end
  end
  return lines
end
