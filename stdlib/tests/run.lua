-- The Lua-side tests of stdlib/, run by scripts/test as `cmo run stdlib/tests/run.lua`.
-- Each test file returns a table of test functions; a test fails by raising. Ends with "N passed, N failed".
local suites = { "test_csv", "test_batch", "test_report", "test_inspect", "test_tasks", "test_prelude" }

local passed, failed = 0, 0
for _, suite in ipairs(suites) do
  local tests = require(suite)
  local names = {}
  for name in pairs(tests) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local ok, err = pcall(tests[name])
    if ok then
      passed = passed + 1
    else
      failed = failed + 1
      print(("FAIL %s.%s: %s"):format(suite, name, tostring(err)))
    end
  end
end
print(("stdlib: %d passed, %d failed"):format(passed, failed))
if failed > 0 then error(("%d stdlib tests failed"):format(failed), 0) end
