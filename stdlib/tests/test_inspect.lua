local inspect = require("cmo.inspect")
local expect = require("expect")
local T = {}

function T.scalars_and_strings()
  expect.equal(inspect(42), "42")
  expect.equal(inspect("a\nb"), '"a\\nb"')
  expect.equal(inspect(json.null), "null")
  expect.equal(inspect({}), "{}")
end

function T.tables_are_sorted_and_indented()
  expect.equal(inspect({ 1, "x", b = true, a = { c = 1 }, ["odd key"] = 2 }),
    '{\n  1,\n  "x",\n  a = {\n    c = 1,\n  },\n  b = true,\n  ["odd key"] = 2,\n}')
end

function T.depth_and_cycles()
  local t = { inner = { deeper = { 1 } } }
  t.inner.back = t
  expect.equal(inspect(t, { depth = 2 }), "{\n  inner = {\n    back = <cycle>,\n    deeper = {...},\n  },\n}")
end

return T
