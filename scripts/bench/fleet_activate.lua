-- The fleet benchmark's workflow (scripts/bench/fleet.sh): activate every INACTIVE SIM of the fleet.
-- Phase 1 changes each SIM without holding a slot while its monitor runs (wait = false); phase 2 then awaits
-- the monitors of the asynchronous backends, most of which have completed by then.
local accepted, changed = {}, 0
local results, failures = cmo.parallel(
  cmo.list{ fields = { "id", "status" }, page_size = 100, where = { status = "INACTIVE" } },
  function(product)
    local outcome = cmo.activate(product.id, { wait = false })
    if outcome.state == "accepted" then accepted[#accepted + 1] = outcome.monitor else changed = changed + 1 end
  end)
local _, monitor_failures = cmo.parallel(accepted, function(monitor) cmo.await_monitor(monitor) end)
print(("activated %d synchronously and %d through monitors; %d failed"):format(
  changed, #accepted - monitor_failures, failures + monitor_failures))
