-- luacheck: std lua51
-- The luacheck standard `cmo check` uses: what the sandbox offers (its globals and library members, as cmo
-- lists them from a live sandbox) plus the `cmo` and `json` tables from the type stubs.
local M = {}

-- A luacheck field definition for a value of class `class_name` (nested tables for classes the stubs describe).
local function definition(api, class_name, seen)
  local class = api.classes[class_name]
  if not class or seen[class_name] then return {} end
  seen[class_name] = true
  local fields = {}
  for name in pairs(class.functions) do fields[name] = {} end
  for name, field in pairs(class.fields) do
    if field.type:match("^table") or field.type:match("%[%]$") then
      -- A table of the script's data (`cmo.vars`): any key may be read.
      fields[name] = { other_fields = true, read_only = false }
    else
      fields[name] = definition(api, field.type, seen)
    end
  end
  seen[class_name] = nil
  return { fields = fields }
end

--- The standard for `api` (from check.stubs) and `sandbox_names` ("print", "string.format", ...). `kind` is
--- "script", "test" (a `*_test.lua` file for `cmo test`: busted's functions, luassert's `assert` and the
--- `workbench` table) or "meta" (a type stub file, which defines `cmo` and `json` rather than uses them).
function M.build(api, sandbox_names, kind)
  local read_globals, globals = {}, {}
  for _, name in ipairs(sandbox_names) do
    local library, member = name:match("^([%a_][%w_]*)%.([%a_][%w_]*)$")
    if library then
      read_globals[library] = read_globals[library] or { fields = {} }
      read_globals[library].fields[member] = {}
    elseif not read_globals[name] then
      read_globals[name] = {}
    end
  end
  -- `_G.name = value` sets a global: a matter of style, not a mistake.
  globals._G = { other_fields = true, read_only = false }
  for global, class_name in pairs(api.globals) do
    local target = kind == "meta" and globals or read_globals
    target[global] = definition(api, class_name, {})
  end
  if kind == "test" then
    for _, name in ipairs({ "describe", "it", "pending", "before_each", "after_each", "setup", "teardown" }) do
      read_globals[name] = {}
    end
    read_globals.assert = { other_fields = true }
    read_globals.workbench = read_globals.workbench or { other_fields = true }
  end
  return { read_globals = read_globals, globals = globals }
end

return M
