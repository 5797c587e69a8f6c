-- The mixed-fleet job (issue 11): suspend every ACTIVE SIM of a fleet spread over the ten backends, and say when
-- the last non-1NCE and the last 1NCE change ended (seconds from the start). With --var skip_1nce=1 the 1NCE SIMs
-- are left out: the pace of the others without any 1NCE SIM. Outcomes are not kept.
local t0 = cmo.now()
local items = {}
for product in cmo.list{ where = { status = "ACTIVE" } } do
  if not (cmo.vars.skip_1nce and cmo.backend(product) == "1NCE") then items[#items + 1] = product end
end
local others, ones, last_other, last_1nce = 0, 0, 0, 0
local _, failures = cmo.parallel(items, function(product)
  cmo.suspend(product)
  local at = cmo.now() - t0
  if cmo.backend(product) == "1NCE" then
    ones, last_1nce = ones + 1, math.max(last_1nce, at)
  else
    others, last_other = others + 1, math.max(last_other, at)
  end
end)
print(("others: %d done at %.2f s; 1NCE: %d done at %.2f s; %d failed"):format(others, last_other, ones, last_1nce, failures))
