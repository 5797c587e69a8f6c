-- luacheck: std lua51
-- Reads the type stubs (stdlib/meta/cmo.lua, LuaLS annotations) into what `cmo check` knows of the API: the
-- global tables, their fields and functions, each function's parameters, and the fields of every class.
-- The stubs stay the single source of the API's names: nothing here lists a name of its own.
local M = {}

-- `---@param name? type`: the name, whether it is optional, and the type.
local function parse_param(text)
  local name, mark, type_name = text:match("^(%S-)(%??)%s+(%S+)")
  if not name then return nil end
  if type_name:sub(-1) == "?" then
    mark, type_name = "?", type_name:sub(1, -2)
  end
  return { name = name, optional = mark == "?", type = type_name }
end

-- `name, other, ...` of a function's signature.
local function signature_names(list)
  local names = {}
  for name in list:gmatch("[%w_%.]+") do names[#names + 1] = name end
  return names
end

local function new_class(name)
  return { name = name, fields = {}, functions = {} }
end

-- A function's description from its signature and the `---@param` lines above it.
local function describe_function(qualified, list, params)
  local by_name = {}
  for _, param in ipairs(params) do by_name[param.name] = param end
  local described = { name = qualified, params = {}, vararg = false }
  for _, name in ipairs(signature_names(list)) do
    if name == "..." then
      described.vararg = true
    else
      described.params[#described.params + 1] = by_name[name] or { name = name, optional = true, type = "any" }
    end
  end
  return described
end

--- Parses the stub text; returns `{ classes = {name = class}, globals = {lua_name = class_name} }`, where a class
--- is `{ name, fields = {name = {type, optional}}, functions = {name = {name, params = {...}, vararg}} }`.
function M.parse(text)
  local classes, globals, locals = {}, {}, {}
  local current, params = nil, {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local class_name = line:match("^%-%-%-@class%s+([%w_%.]+)")
    local field = line:match("^%-%-%-@field%s+(.*)$")
    local param = line:match("^%-%-%-@param%s+(.*)$")
    local global_table = line:match("^([%a_][%w_]*)%s*=%s*{%s*}")
    local local_table = line:match("^local%s+([%a_][%w_]*)%s*=%s*{%s*}")
    local owner, separator, member, list = line:match("^function%s+([%a_][%w_]*)([%.:])([%a_][%w_]*)%s*%((.-)%)")
    if class_name then
      current = classes[class_name] or new_class(class_name)
      classes[class_name] = current
    elseif field and current then
      local parsed = parse_param(field)
      if parsed then current.fields[parsed.name] = { type = parsed.type, optional = parsed.optional } end
    elseif param then
      params[#params + 1] = parse_param(param)
    elseif global_table and current then
      globals[global_table] = current.name
    elseif local_table and current then
      locals[local_table] = current.name
    elseif owner then
      local class = classes[globals[owner] or locals[owner] or ""]
      if class and separator == "." then
        class.functions[member] = describe_function(owner .. "." .. member, list, params)
      end
      params = {}
    elseif not line:match("^%-%-%-") then
      params = {}
    end
  end
  return { classes = classes, globals = globals }
end

--- Reads and parses the stub file at `path`; returns the API, or nil and why.
function M.read(path)
  local file, problem = io.open(path, "r")
  if not file then return nil, problem end
  local text = file:read("*a")
  file:close()
  return M.parse(text)
end

return M
