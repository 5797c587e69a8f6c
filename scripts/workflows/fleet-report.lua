-- fleet-report.lua: counts the fleet by status and by backend, and lists the product offerings.
-- Reads only; changes nothing.
--
-- Vars:  page_size  products per page (default 100)
-- Run:   cmo run --sim scripts/workflows/fleet-report.lua
--        cmo run scripts/workflows/fleet-report.lua          (against the configured API)
local report = require("cmo.report")

local page_size = math.tointeger(tonumber(cmo.vars.page_size or "100"))
local products = cmo.list_all{ fields = { "id", "status", "connectivityType", "productOffering" }, page_size = page_size }

local by_status = report.count_by(products, function(p) return p.status end)
local by_backend = report.count_by(products, function(p) return cmo.backend(p.id) end)
local by_offering = report.count_by(products, function(p) return p.productOffering and p.productOffering.name end)

print(("%d products"):format(#products))
for _, view in ipairs({ { "status", by_status }, { "backend", by_backend }, { "offering", by_offering } }) do
  print()
  print(report.format_table(report.rows(view[2], view[1]), { view[1], "count" }))
end
