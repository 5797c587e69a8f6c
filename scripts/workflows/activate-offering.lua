-- activate-offering.lua: activates every INACTIVE cellular SIM of one product offering, many at a time.
-- Each change reads the SIM first, sends a JSON Patch with a `test` op (so a SIM someone else changed
-- meanwhile is left alone), and waits for the monitor on asynchronous backends.
--
-- Vars:  offering  the productOffering name (required), e.g. "IoT Flex 10MB"
-- Run:   cmo run --sim scripts/workflows/activate-offering.lua --var offering="IoT Flex 10MB" --dry-run
--        cmo run scripts/workflows/activate-offering.lua --var offering="IoT Flex 10MB" \
--            --concurrency 32 --max-changes 500 --max-failure-rate 0.05 --report activation.json
local offering = cmo.vars.offering or error("give the offering: --var offering=NAME", 0)

local candidates = cmo.list{
  fields = { "id", "status", "connectivityType", "productOffering" },
  where = { status = "INACTIVE", connectivity_type = "CELLULAR" },
}
local function of_offering()
  for product in candidates do
    if product.productOffering and product.productOffering.name == offering then return product end
  end
end

local results, failures = cmo.parallel(of_offering, function(product)
  return cmo.activate(product.id, { only_if = "INACTIVE" })
end)

local changed = 0
for _, result in ipairs(results) do
  if not cmo.is_error(result) and (result.state == "changed" or result.state == "would_change") then
    changed = changed + 1
  end
end
print(("%s: %d SIMs %s, %d failed"):format(offering, changed, cmo.dry_run and "would be activated" or "activated", failures))
