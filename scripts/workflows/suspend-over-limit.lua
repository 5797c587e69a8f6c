-- suspend-over-limit.lua: suspends the ACTIVE SIMs whose data use this billing period passed a limit.
-- Reads each ACTIVE cellular SIM's usage (cmo.usage: bytes as integers, whatever unit the backend wrote).
--
-- Vars:  limit_mb   the limit in MiB (required), e.g. 1024
--        backend    only SIMs of this backend (optional), e.g. TMSP
-- Run:   cmo run --sim scripts/workflows/suspend-over-limit.lua --var limit_mb=1024 --dry-run
local limit_mb = tonumber(cmo.vars.limit_mb) or error("give the limit in MiB: --var limit_mb=1024", 0)
local limit = math.floor(limit_mb * 1024 * 1024)
local where = { status = "ACTIVE", connectivity_type = "CELLULAR" }
if cmo.vars.backend then where.system = cmo.vars.backend end

local results = cmo.parallel(cmo.list{ where = where }, function(product)
  local usage = cmo.usage(product)
  if (usage.data_bytes or 0) <= limit then return { state = "under_limit" } end
  cmo.log.info("over the data limit", { id = product.id, data_bytes = usage.data_bytes })
  return cmo.suspend(product, { only_if = "ACTIVE" })
end)

local counts = require("cmo.report").count_by(results, function(result)
  return cmo.is_error(result) and "failed" or result.state
end)
print(json.encode(counts))
