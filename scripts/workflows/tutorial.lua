-- tutorial.lua: the CMO tutorial's five steps as one script.
--   1. list connectivity products       2. read one product's details
--   3. activate a SIM on a synchronous backend (200 and the changed sub-product)
--   4. activate a SIM on an asynchronous backend (202 and a monitor)
--   5. follow the monitor until the change completes, then read the product again
--
-- Vars:  none
-- Run:   cmo run --sim scripts/workflows/tutorial.lua
--        (against a real tenant it changes two INACTIVE SIMs: try --dry-run first)

-- Step 1: the first page, with the tutorial's fields.
local first_page, sync_id, async_id = {}, nil, nil
for product in cmo.list{ fields = { "id", "connectivityType", "status" }, page_size = 10 } do
  if #first_page < 10 then first_page[#first_page + 1] = product end
  if product.status == "INACTIVE" and product.connectivityType == "CELLULAR" then
    if cmo.is_async(product.id) then async_id = async_id or product.id else sync_id = sync_id or product.id end
  end
  if #first_page >= 10 and sync_id and async_id then break end
end
print("Step 1: products (first page)")
for _, p in ipairs(first_page) do print(("  %-28s %-10s %s"):format(p.id, p.connectivityType, p.status)) end
assert(sync_id and async_id, "no INACTIVE SIM on both a synchronous and an asynchronous backend")

-- Step 2: one product in detail.
local product = cmo.product(sync_id)
local sim = cmo.sim(product)
print(("Step 2: %s  backend %s  offering %q  ICCID %s  SIM status %s"):format(
  product.id, cmo.backend(product), product.productOffering.name, cmo.iccid(product), sim.status))

-- Step 3: synchronous activation: the answer is the changed sub-product.
local sync = cmo.patch(sync_id, { { op = "replace", path = "/status", value = "ACTIVE" } })
print(("Step 3: %s -> %s (%s)"):format(sync_id, sync.product and sync.product.status or "?", sync.state))

-- Step 4: asynchronous activation: the answer is a monitor.
local async = cmo.patch(async_id, { { op = "replace", path = "/status", value = "ACTIVE" } })
print(("Step 4: %s accepted, monitor %s (%s)"):format(async_id, async.monitor.id, async.monitor.state))
print(("        the SIM now reads %s"):format(cmo.sim(cmo.product(async_id)).status))

-- Step 5: follow the monitor, then check the product.
local monitor = cmo.await_monitor(async.monitor)
print(("Step 5: monitor %s; the SIM now reads %s"):format(monitor.state, cmo.sim(cmo.product(async_id)).status))
