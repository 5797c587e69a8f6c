-- suspend-matching.lua: suspends the ACTIVE SIMs whose notes (simNotes) or product offering match a Lua
-- pattern. Matching on notes reads each SIM's details; matching on the offering needs only the list.
--
-- Vars:  pattern  a Lua pattern (required), e.g. "^decommission" or "Satellite"
--        field    "notes" (default) or "offering"
-- Run:   cmo run --sim scripts/workflows/suspend-matching.lua --var field=offering --var pattern=Flex --dry-run
local pattern = cmo.vars.pattern or error("give a Lua pattern: --var pattern=...", 0)
local field = cmo.vars.field or "notes"
if field ~= "notes" and field ~= "offering" then error("--var field must be 'notes' or 'offering'", 0) end

local active = cmo.list{ fields = { "id", "status", "productOffering" }, where = { status = "ACTIVE" } }

local results = cmo.parallel(active, function(product)
  local text
  if field == "offering" then
    text = product.productOffering and product.productOffering.name
  else
    local sim = cmo.sim(cmo.product(product.id))
    text = sim and cmo.characteristic(sim, "simNotes")
  end
  if text and text:find(pattern) then
    return cmo.suspend(product.id, { only_if = "ACTIVE" })
  end
  return { state = "not_matching" }
end)

local counts = {}
for _, result in ipairs(results) do
  local state = cmo.is_error(result) and "failed" or result.state
  counts[state] = (counts[state] or 0) + 1
end
print(json.encode(counts))
