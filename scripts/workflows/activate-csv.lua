-- activate-csv.lua: activates the SIMs whose ICCIDs are listed in a CSV file (column "iccid").
-- Looks the ICCIDs up with product/find in batches of 100, reports the ones the API does not know, and
-- activates the rest with a canary: the first 5 must all succeed before the others start.
--
-- Input: sims  a CSV file with an "iccid" column
-- Vars:  canary  how many SIMs go first (default 5)
-- Run:   cmo run --sim scripts/workflows/activate-csv.lua --input sims=scripts/workflows/sims.csv
local batch = require("cmo.batch")

local iccids = {}
for _, row in ipairs(cmo.input("sims")) do
  if row.iccid and row.iccid ~= "" then iccids[#iccids + 1] = row.iccid end
end
print(("%d ICCIDs in the file"):format(#iccids))

local ids, unknown = {}, {}
for _, chunk in ipairs(batch.chunks(iccids, 100)) do
  local products, misses = cmo.find(chunk)
  for _, product in ipairs(products) do ids[#ids + 1] = product.id end
  for _, iccid in ipairs(misses) do unknown[#unknown + 1] = iccid end
end
for _, iccid in ipairs(unknown) do cmo.log.warn("ICCID not found", { iccid = iccid }) end

local canary = math.tointeger(tonumber(cmo.vars.canary or "5"))
local rollout = batch.rollout(ids, function(id) return cmo.activate(id) end, { canary = canary })
if rollout.stopped then error(rollout.stopped, 0) end
print(("%d found, %d unknown, %d failed"):format(#ids, #unknown, rollout.failures))
