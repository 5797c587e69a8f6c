-- The error metatable of LuaKit's error values: `__name` and a `__tostring` that puts the place before the
-- message. Run once per state by LuaState (chunk `=(error metatable)`); returns the metatable.
local mt = { __name = "error" }
function mt.__tostring(e)
  local text = rawget(e, "message") or rawget(e, "kind") or "error"
  local where = rawget(e, "where")
  if where and where ~= "" then text = where .. " " .. text end
  return text
end
return mt
