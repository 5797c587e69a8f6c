-- The distributed benchmark's workflow (scripts/bench/distributed.sh): activate every INACTIVE SIM of the fleet,
-- written as an operator would for a run spread over workers, each change waiting for its end.
return {
  plan = function()
    local ids = {}
    for p in cmo.list{ fields = { "id", "status" }, where = { status = "INACTIVE" } } do ids[#ids + 1] = p.id end
    print("planned " .. #ids)
    return ids
  end,
  apply = function(id) return cmo.activate(id) end,
}
