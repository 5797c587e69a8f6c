-- Reads the fleet's products, `reads` reads in all (cycling through the fleet), eight at a time: a load whose
-- every request is paced by --tenant-rate-limit. Prints "marked" once `mark_after` reads are done (the test kills
-- one process there), and at the end the number of reads and of failures. With `backend`, only that backend's
-- products are read (scripts/bench/tenant-bucket.sh reads a backend without a rate limit of its own).
--
--   cmo run reads.lua --var reads=120 [--var mark_after=30] [--var backend=JASPER] --journal postgres://... \
--       --tenant-rate-limit 20
local reads = tonumber(cmo.vars.reads or "100")
local mark_after = tonumber(cmo.vars.mark_after or "0")
local backend = cmo.vars.backend

local ids = {}
for product in cmo.list{page_size = 100} do
    if not backend or product.id:find(backend .. "-", 1, true) == 1 then ids[#ids + 1] = product.id end
end

local items = {}
for i = 1, reads do items[i] = ids[(i - 1) % #ids + 1] end

local done = 0
local results, failures = cmo.parallel(items, function(id)
    local product = cmo.product(id)
    done = done + 1
    if done == mark_after then print("marked") end
    return product.id
end, {concurrency = 8})
print(("%d reads, %d failed"):format(#results, failures))
