-- luacheck: std lua51
-- Walks luacheck's syntax tree of one file and checks each call of an API function the stubs describe
-- (`cmo.activate(...)`, `cmo.log.info(...)`, `json.encode(...)`): the number of arguments, and the keys of a
-- literal options table against the fields of the parameter's `...Options` class.
local M = {}

-- "cmo.log.info" for a callee `Index(Index(Id cmo, "log"), "info")`, nil for anything else.
local function dotted_name(node)
  if node.tag == "Id" then return node[1] end
  if node.tag == "Index" and node[2].tag == "String" then
    local base = dotted_name(node[1])
    return base and base .. "." .. node[2][1]
  end
end

-- The function described for a dotted name whose first part is a global the stubs bind (not shadowed).
local function resolve(api, name)
  local global, rest = name:match("^([%a_][%w_]*)%.(.+)$")
  local class = global and api.classes[api.globals[global] or ""]
  while class and rest do
    local head, tail = rest:match("^([%a_][%w_]*)%.(.+)$")
    if not head then return class.functions[rest] end
    local field = class.fields[head]
    class = field and api.classes[field.type]
    rest = tail
  end
end

local function plural(count)
  return count == 1 and "1 argument" or count .. " arguments"
end

-- What the function expects, in words: "1 argument", "1 to 2 arguments", "at least 1 argument".
local function expected(described)
  local required = 0
  for index, param in ipairs(described.params) do
    if not param.optional then required = index end
  end
  local most = #described.params
  if described.vararg then return required, nil, "at least " .. plural(required) end
  if required == most then return required, most, plural(most) end
  return required, most, required .. " to " .. plural(most)
end

local function sorted_keys(set)
  local keys = {}
  for key in pairs(set) do keys[#keys + 1] = key end
  table.sort(keys)
  return keys
end

-- Reports the keys of a literal options table that the options class does not have.
local function check_options(api, described, param, table_node, report)
  local class = api.classes[param.type]
  if not class or not param.type:match("Options$") then return end
  for _, item in ipairs(table_node) do
    if item.tag == "Pair" and item[1].tag == "String" and not class.fields[item[1][1]] then
      report(item[1], ("unknown option '%s' for %s (expected one of: %s)"):format(
        item[1][1], described.name, table.concat(sorted_keys(class.fields), ", ")))
    end
  end
end

local function check_call(api, node, name, report)
  local described = resolve(api, name)
  if not described then return end
  local arguments = {}
  for index = 2, #node do arguments[#arguments + 1] = node[index] end
  local last = arguments[#arguments]
  local open_ended = last and (last.tag == "Call" or last.tag == "Invoke" or last.tag == "Dots")
  local count = open_ended and #arguments - 1 or #arguments
  local least, most, words = expected(described)
  if (most and count > most) or (not open_ended and count < least) then
    report(node, ("%s expects %s, got %d"):format(described.name, words, count))
  end
  for index, argument in ipairs(arguments) do
    local param = described.params[index]
    if param and argument.tag == "Table" then check_options(api, described, param, argument, report) end
  end
end

-- Lexical scopes: a local named like an API global (`local cmo = ...`) hides it from the checks.
local Walker = {}
Walker.__index = Walker

function Walker:declare(names)
  for _, id in ipairs(names) do
    if id.tag == "Id" then self.scope[id[1]] = true end
  end
end

function Walker:block(statements)
  local outer = self.scope
  self.scope = setmetatable({}, { __index = outer })
  for _, statement in ipairs(statements) do self:node(statement) end
  self.scope = outer
end

function Walker:children(node, first)
  for index = first or 1, #node do
    local child = node[index]
    if type(child) == "table" then self:node(child) end
  end
end

local statement_handlers = {
  Local = function(self, node)
    if node[2] then self:children(node[2]) end
    self:declare(node[1])
  end,
  Localrec = function(self, node)
    self:declare(node[1])
    self:children(node[2])
  end,
  Function = function(self, node)
    local outer = self.scope
    self.scope = setmetatable({}, { __index = outer })
    self:declare(node[1])
    self:block(node[2])
    self.scope = outer
  end,
  Fornum = function(self, node)
    for index = 2, #node - 1 do self:node(node[index]) end
    local outer = self.scope
    self.scope = setmetatable({}, { __index = outer })
    self:declare({ node[1] })
    self:block(node[#node])
    self.scope = outer
  end,
  Forin = function(self, node)
    self:children(node[2])
    local outer = self.scope
    self.scope = setmetatable({}, { __index = outer })
    self:declare(node[1])
    self:block(node[3])
    self.scope = outer
  end,
  Do = function(self, node) self:block(node) end,
  While = function(self, node)
    self:node(node[1])
    self:block(node[2])
  end,
  Repeat = function(self, node)
    -- The condition sees the body's locals.
    local outer = self.scope
    self.scope = setmetatable({}, { __index = outer })
    for _, statement in ipairs(node[1]) do self:node(statement) end
    self:node(node[2])
    self.scope = outer
  end,
  If = function(self, node)
    for index = 1, #node do
      if index % 2 == 0 or index == #node then self:block(node[index]) else self:node(node[index]) end
    end
  end,
}

function Walker:node(node)
  local handler = statement_handlers[node.tag]
  if handler then return handler(self, node) end
  if node.tag == "Call" then
    local name = dotted_name(node[1])
    local global = name and name:match("^[%a_][%w_]*")
    if name and not self.scope[global] then check_call(self.api, node, name, self.report) end
  end
  if node.tag ~= "Id" and node.tag ~= "String" then self:children(node) end
end

--- Checks the calls in `ast` (luacheck.parser's tree); `report(node, message)` gets each problem.
function M.check(api, ast, report)
  local walker = setmetatable({ api = api, report = report, scope = {} }, Walker)
  walker:block(ast)
end

return M
