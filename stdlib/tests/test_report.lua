local report = require("cmo.report")
local expect = require("expect")
local T = {}

function T.count_by_and_rows()
  local items = { { s = "ACTIVE" }, { s = "INACTIVE" }, { s = "ACTIVE" }, {} }
  local counts = report.count_by(items, function(p) return p.s end)
  expect.equal(counts, { ACTIVE = 2, INACTIVE = 1, ["(none)"] = 1 })
  expect.equal(report.rows(counts), {
    { key = "ACTIVE", count = 2 }, { key = "(none)", count = 1 }, { key = "INACTIVE", count = 1 },
  })
  expect.equal(report.rows({ x = 1 }, "status"), { { status = "x", count = 1 } })
end

function T.format_table_aligns_columns()
  local text = report.format_table({ { status = "ACTIVE", n = 12 }, { status = "BLOCKED", n = 3 } }, { "status", "n" })
  expect.equal(text, "status   n\n-------  --\nACTIVE   12\nBLOCKED   3")
end

return T
