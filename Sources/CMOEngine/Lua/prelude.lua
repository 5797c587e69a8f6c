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

-- Product tables come in three shapes: a bundle (`cmo.product`, sub-products in productRelationship), a listing
-- summary (`cmo.list` without fields: id, status, connectivityType, relatedParty, ICCID or serialNumber, system)
-- and a projection (`cmo.list{fields=...}`: what was asked for). The helpers read all three; where a shape cannot
-- answer, they say so.
local function describe(t)
  return type(t.id) == "string" and t.id or "the product table"
end

-- Whether `t` is the sub-product named by `suffix` ("simCard", "terminal"): by its @type or its id's suffix.
local function is_sub_product(t, suffix)
  return t["@type"] == suffix or (type(t.id) == "string" and t.id:sub(-#suffix - 1) == "-" .. suffix)
end

local function sub_product(product, fname, suffix)
  if is_sub_product(product, suffix) then return product end
  local relations = product.productRelationship
  if type(relations) ~= "table" then
    error(("cmo.%s: %s has no sub-products (a listing row, not a bundle): read it with cmo.product(id)")
      :format(fname, describe(product)), 3)
  end
  for _, relation in ipairs(relations) do
    local sub = relation.product
    if type(sub) == "table" and is_sub_product(sub, suffix) then return sub end
  end
  return nil
end

function cmo.sim(product)
  check(1, "sim", product, "table")
  return sub_product(product, "sim", "simCard")
end

function cmo.terminal(product)
  check(1, "terminal", product, "table")
  return sub_product(product, "terminal", "terminal")
end

local function backend_of(product)
  if type(product) == "string" then return product:match("^([^-]+)-") end
  local system = cmo.characteristic(product, "SYSTEM") or product.system
  if type(system) == "string" then return system end
  return type(product.id) == "string" and product.id:match("^([^-]+)-") or nil
end

local function is_satellite(product)
  local backend = BACKENDS[backend_of(product) or ""]
  if backend then return backend.carrier == "terminal" end
  return product.connectivityType == "SATELLITE"
end

-- The identifier after the backend prefix of a product id (`JASPER-8949...` -> `8949...`).
local function id_tail(product)
  return type(product.id) == "string" and product.id:match("^[^-]+%-(%d+)") or nil
end

local function identifier(product, fname, field, satellite)
  local own = cmo.characteristic(product, field) or product[field]
  if own ~= nil then return own end
  if type(product.productRelationship) == "table" then
    local sub = sub_product(product, fname, satellite and "terminal" or "simCard")
    return sub and cmo.characteristic(sub, field) or nil
  end
  if product.id == nil then
    error(("cmo.%s: the table has neither %s nor an id"):format(fname, field), 3)
  end
  return id_tail(product)
end

function cmo.iccid(product)
  check(1, "iccid", product, "table")
  if is_satellite(product) then return nil end
  return identifier(product, "iccid", "ICCID", false)
end

function cmo.serial(product)
  check(1, "serial", product, "table")
  if not is_satellite(product) then return nil end
  return identifier(product, "serial", "serialNumber", true)
end

function cmo.backend(product)
  if type(product) ~= "string" then check(1, "backend", product, "table") end
  local backend = backend_of(product)
  if backend == nil and type(product) == "table" then
    error(("cmo.backend: %s has no SYSTEM characteristic, system field or id"):format(describe(product)), 2)
  end
  return backend
end

function cmo.is_async(product)
  if type(product) ~= "string" and type(product) ~= "table" then
    error(("bad argument #1 to 'is_async' (table or string expected, got %s)"):format(type(product)), 2)
  end
  local backend = BACKENDS[backend_of(product) or ""]
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

-- A change's outcome keeps the product the server sent, and its monitor, as JSON text until the script reads
-- `outcome.product` or `outcome.monitor`: a run that keeps 10,000 outcomes holds 10,000 strings, not 10,000 decoded
-- tables. The host moves this metatable to its registry and sets it on each outcome that has either, after putting
-- the texts in `deferred` (products) and `deferred_monitor` (monitors).
do
  local decode, rawset, next = json.decode, rawset, next
  local deferred = setmetatable({}, { __mode = "k" })
  local deferred_monitor = setmetatable({}, { __mode = "k" })
  local function take(t, texts, key)
    local text = texts[t]
    if text == nil then return nil end
    texts[t] = nil
    local value = decode(text)
    rawset(t, key, value)
    return value
  end
  local function materialize(t)
    take(t, deferred, "product")
    take(t, deferred_monitor, "monitor")
  end
  cmo._outcome_meta = {
    deferred = deferred,
    deferred_monitor = deferred_monitor,
    __index = function(t, key)
      if key == "product" then return take(t, deferred, "product") end
      if key == "monitor" then return take(t, deferred_monitor, "monitor") end
      return nil
    end,
    __pairs = function(t)
      materialize(t)
      return next, t, nil
    end,
  }
  -- json.encode reads tables raw, so it would leave out a product still held as text: the outcomes in the value
  -- are materialized first (a walk made only while some outcome holds its product as text). Its errors are raised
  -- again at the caller's level, so that they name the script's line, not this one.
  local encode, type, pcall, error = json.encode, type, pcall, error
  local function materialize_all(value, seen)
    if type(value) ~= "table" or seen[value] then return end
    seen[value] = true
    materialize(value)
    for _, member in next, value do materialize_all(member, seen) end
  end
  local function encoded(ok, result)
    if ok then return result end
    if type(result) == "string" then result = result:gsub("^%(cmo%):%d+: ", "", 1) end
    error(result, 2)  -- `encoded` is tail-called: level 2 is the caller of json.encode
  end
  json.encode = function(value, ...)
    if next(deferred) ~= nil or next(deferred_monitor) ~= nil then materialize_all(value, {}) end
    return encoded(pcall(encode, value, ...))
  end
end
