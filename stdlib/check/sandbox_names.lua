-- Runs inside a fresh cmo sandbox (no `cmo`, no `json`) and returns the names a script may use there: every
-- global, and `library.member` for every global table. `cmo check` hands them to its luacheck standard.
local names = {}
for name, value in pairs(_G) do
  if type(value) == "table" and name ~= "_G" then
    for member in pairs(value) do
      if type(member) == "string" then names[#names + 1] = name .. "." .. member end
    end
  else
    names[#names + 1] = name
  end
end
table.sort(names)
return table.concat(names, ",")
