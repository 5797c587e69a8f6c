-- How `cmo run` runs a script. The chunk runs first; when it returns a workflow, a table with `plan` and `apply`
-- (the shape a run spread over several workers needs), the plan's items are then applied as
-- `cmo.parallel(plan(), apply)` would, under the run's options (`--concurrency`, guards, dry run).
-- Any other script has done its work by the time its chunk returns.

local function is_workflow(value)
  return type(value) == "table" and (rawget(value, "plan") ~= nil or rawget(value, "apply") ~= nil)
end

-- Left in `cmo._run_workflow` for the host, which moves it out of the scripts' reach.
function cmo._run_workflow(main_chunk, script)
  local workflow = main_chunk()
  if not is_workflow(workflow) then return end
  for _, name in ipairs({ "plan", "apply" }) do
    local field = rawget(workflow, name)
    if type(field) ~= "function" then
      error(("%s: the workflow's '%s' must be a function, got %s"):format(script, name, type(field)), 0)
    end
  end
  local items = workflow.plan()
  if type(items) ~= "table" then
    error(("%s: the workflow's plan must return a table of items (product ids or tables with an id), got %s")
      :format(script, type(items)), 0)
  end
  cmo.parallel(items, workflow.apply)
end
