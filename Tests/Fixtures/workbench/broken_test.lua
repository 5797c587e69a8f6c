-- A fixture for CMOWorkbenchTests: a file that fails while declaring its tests.
describe("broken", function()
  local missing = nil
  missing.field = 1
end)
