-- luacheck: std lua51
-- `cmo check`'s checker, run by luacheck's own interpreter (Debian: lua5.1 with the lua-check modules):
--   lua5.1 stdlib/check/main.lua STDLIB STUBS SANDBOX_NAMES FILE...
-- STDLIB is the directory holding check/, STUBS the type stubs (stdlib/meta/cmo.lua), SANDBOX_NAMES the
-- comma-separated globals and `library.member` names of cmo's sandbox. Prints each problem as
-- `file:line:col: message`, in file order then line order; exits 1 when there is any, 0 when none, 2 when it
-- cannot check (a file that cannot be read, stubs missing).
local stdlib, stubs_path, sandbox_list = arg[1], arg[2], arg[3]
package.path = stdlib .. "/?.lua;" .. package.path

local function fail(message)
  io.stderr:write("error: ", message, "\n")
  os.exit(2)
end

local found_luacheck, luacheck = pcall(require, "luacheck")
if not found_luacheck then
  fail("luacheck's Lua modules cannot be loaded by " .. _VERSION .. ": install the Debian package lua-check ("
    .. tostring(luacheck):match("^[^\n]*") .. ")")
end
local decoder = require("luacheck.decoder")
local parser = require("luacheck.parser")
local format = require("luacheck.format")
local stubs = require("check.stubs")
local standard = require("check.standard")
local calls = require("check.calls")

local api, problem = stubs.read(stubs_path)
if not api then fail("cannot read the type stubs: " .. tostring(problem)) end
local sandbox_names = {}
for name in sandbox_list:gmatch("[^,]+") do sandbox_names[#sandbox_names + 1] = name end

local files, sources = {}, {}
for index = 4, #arg do
  local file, why = io.open(arg[index], "rb")
  if not file then fail("cannot read " .. tostring(why)) end
  files[#files + 1] = arg[index]
  sources[#sources + 1] = file:read("*a")
  file:close()
end

-- What a file is: a type stub file (`---@meta`), a test for `cmo test` (`*_test.lua`), or a script.
local function kind_of(file, source)
  if source:match("^%-%-%-@meta") then return "meta" end
  if file:match("_test%.lua$") then return "test" end
  return "script"
end

-- Syntax errors (0xx) and globals (1xx): undefined variables, unknown fields of `cmo` and `json`, writes to them.
local options = { only = { "0", "1" } }
for index, file in ipairs(files) do
  options[index] = { std = standard.build(api, sandbox_names, kind_of(file, sources[index])) }
end
local report = luacheck.check_strings(sources, options)

local problems = 0
local function emit(file, line, column, message)
  problems = problems + 1
  return { file = file, line = line, column = column, message = message }
end

for index, file in ipairs(files) do
  local found = {}
  for _, event in ipairs(report[index]) do
    found[#found + 1] = emit(file, event.line, event.column, format.get_message(event))
  end
  -- The calls, in a file that parses (luacheck has reported the syntax error of one that does not).
  -- A line whose comment says `luacheck: ignore` (a deliberate mistake, in a test) is not reported either.
  local ok, ast, comments, _, _, _, line_offsets = pcall(parser.parse, decoder.decode(sources[index]))
  if ok then
    local ignored = {}
    for _, comment in ipairs(comments) do
      if comment.contents:match("^%s*luacheck:%s*ignore%s*$") then ignored[comment.line] = true end
    end
    calls.check(api, ast, function(node, message)
      if not ignored[node.line] then
        found[#found + 1] = emit(file, node.line, node.offset - line_offsets[node.line] + 1, message)
      end
    end)
  end
  table.sort(found, function(a, b)
    if a.line ~= b.line then return a.line < b.line end
    return a.column < b.column
  end)
  for _, item in ipairs(found) do
    io.stdout:write(("%s:%d:%d: %s\n"):format(item.file, item.line, item.column, item.message))
  end
end
os.exit(problems > 0 and 1 or 0)
