-- The natural script (issue 10): list the INACTIVE cellular SIMs, then activate each and wait for it, with
-- cmo.parallel at its default concurrency. scripts/bench/natural.sh runs it with --max-in-flight 64 only.
local ids = {}
for product in cmo.list{ where = { status = "INACTIVE", connectivity_type = "CELLULAR" } } do
  ids[#ids + 1] = product.id
end
local _, failures = cmo.parallel(ids, function(id) return cmo.activate(id, { wait = true }) end)
print(("activated %d of %d; %d failed"):format(#ids - failures, #ids, failures))
