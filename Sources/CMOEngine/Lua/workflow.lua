-- How `cmo run` runs a script. The chunk runs first; when it returns a workflow, a table with `plan` and `apply`
-- (the shape a run spread over several workers needs), the plan's items are then applied as
-- `cmo.parallel(plan(), apply)` would, under the run's options (`--concurrency`, guards, dry run).
-- Any other script has done its work by the time its chunk returns.
--
-- A distributed run (`cmo run --distributed`) splits the two: its coordinator runs the plan alone and hands the
-- items to the host, which stores them in shards; each worker runs the chunk again and applies one shard's items.

local json = json

local function is_workflow(value)
  return type(value) == "table" and (rawget(value, "plan") ~= nil or rawget(value, "apply") ~= nil)
end

-- Raises unless `workflow` (what the chunk returned) has both functions; `required` (a distributed run): unless it
-- is a workflow at all. Each runner calls the chunk itself, as the first statement of its own (called any other
-- way, a loop stopped by the instruction budget was reported at its function's first line, not where it ran).
local function check_workflow(workflow, script, required)
  if not is_workflow(workflow) then
    if required then
      error(("%s: only a workflow can be distributed: the script must return a table with 'plan' and 'apply'")
        :format(script), 0)
    end
    return
  end
  for _, name in ipairs({ "plan", "apply" }) do
    local field = rawget(workflow, name)
    if type(field) ~= "function" then
      error(("%s: the workflow's '%s' must be a function, got %s"):format(script, name, type(field)), 0)
    end
  end
end

local function planned_items(workflow, script)
  local items = workflow.plan()
  if type(items) ~= "table" then
    error(("%s: the workflow's plan must return a table of items (product ids or tables with an id), got %s")
      :format(script, type(items)), 0)
  end
  return items
end

-- Left in `cmo._run_workflow` for the host, which moves it out of the scripts' reach.
function cmo._run_workflow(main_chunk, script)
  local workflow = main_chunk()
  if not is_workflow(workflow) then return end
  check_workflow(workflow, script, false)
  cmo.parallel(planned_items(workflow, script), workflow.apply)
end

-- The coordinator of a distributed run: the plan alone. Each item's product id and the item as JSON go into
-- `sink.ids` and `sink.items` for the host (an item is a product id, or a small table with an `id`).
function cmo._plan_workflow(main_chunk, script, sink)
  local workflow = main_chunk()
  check_workflow(workflow, script, true)
  local items = planned_items(workflow, script)
  local ids, encoded = {}, {}
  for i, item in ipairs(items) do
    local id = item
    if type(item) == "table" then id = rawget(item, "id") end
    if type(id) ~= "string" then
      error(("%s: the plan's item %d has no product id (a string, or a table with a string 'id'), got %s")
        :format(script, i, type(id)), 0)
    end
    ids[i], encoded[i] = id, json.encode(item)
  end
  sink.ids, sink.items = ids, encoded
end

-- A worker of a distributed run: `apply` over one shard's items, given as JSON texts.
function cmo._apply_workflow(main_chunk, script, shard_items)
  local workflow = main_chunk()
  check_workflow(workflow, script, true)
  local items = {}
  for i, text in ipairs(shard_items) do items[i] = json.decode(text) end
  cmo.parallel(items, workflow.apply)
end
